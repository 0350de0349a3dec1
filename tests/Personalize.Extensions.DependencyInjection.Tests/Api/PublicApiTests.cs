using Personalize.Extensions.DependencyInjection;

namespace Personalize.Extensions.DependencyInjection.Tests.Api;

/// <summary>Guards the public surface of Personalize.Extensions.DependencyInjection (see <see cref="PublicSurface"/>).</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Every_public_class_is_sealed_or_static() => PublicSurface.AssertClassesSealedOrStatic(typeof(PersonalizeOptions).Assembly);

    [Fact]
    public void The_public_surface_matches_the_checked_in_list() =>
        PublicSurface.AssertMatchesCheckedInList(typeof(PersonalizeOptions).Assembly, "Personalize.Extensions.DependencyInjection.Tests");
}
