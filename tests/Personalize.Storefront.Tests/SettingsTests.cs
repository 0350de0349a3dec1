using Microsoft.Extensions.Options;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>Bad storefront settings stop start-up with one message listing every one of them.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void Settings_out_of_range_stop_start_up_and_are_all_named()
    {
        using var factory = new StorefrontFactory(new() { ["Storefront:RateLimit"] = "0", ["Storefront:MaxPageSize"] = "5000", ["Storefront:MaxUsers"] = "0" });

        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Equal(3, exception.Failures.Count());
        Assert.Contains(exception.Failures, f => f.StartsWith("Storefront:MaxUsers: ", StringComparison.Ordinal) && f.Contains("between 1 and", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.StartsWith("Storefront:RateLimit: ", StringComparison.Ordinal) && f.Contains("between 1 and", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.StartsWith("Storefront:MaxPageSize: ", StringComparison.Ordinal) && f.Contains("between 1 and 1000", StringComparison.Ordinal));
    }

    [Fact]
    public void A_data_folder_without_the_shop_stops_start_up_naming_the_missing_file()
    {
        using var empty = new TempDirectory();
        using var factory = new StorefrontFactory(new() { ["Storefront:Data"] = empty.Path });

        FileNotFoundException exception = Assert.Throws<FileNotFoundException>(() => factory.CreateClient());

        Assert.Contains("has no items.csv", exception.Message);
    }

    [Fact]
    public async Task A_second_storefront_on_a_state_folder_in_use_stops_before_it_trains_and_leaves_the_served_model_alone()
    {
        using var first = new StorefrontFactory();
        using HttpClient client = first.CreateClient();
        Assert.True((await client.GetAsync("/api/model")).IsSuccessStatusCode);   // the first holds the journal
        string state = Path.GetDirectoryName(first.ModelPath)!;
        string trained = Path.Combine(state, "shop.pzm");
        byte[] before = File.ReadAllBytes(trained);

        // No model given: the second would train one into the same folder, and the first (watching its file) swap it in.
        using var second = new StorefrontFactory(new() { ["Storefront:StateDirectory"] = state, ["Storefront:Model"] = "", ["Storefront:Factors"] = "8" });
        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => second.CreateClient());

        Assert.Contains("is in use by another storefront (or another tracker), so this one would not start; nothing was trained or written", exception.Message);
        Assert.Equal(before, File.ReadAllBytes(trained));
    }
}
