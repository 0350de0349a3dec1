using Personalize.Storefront;

return await StorefrontApp.RunAsync(args, Console.Error);

/// <summary>The storefront's entry point (also the anchor type for <c>WebApplicationFactory&lt;Program&gt;</c> in tests).</summary>
public partial class Program;
