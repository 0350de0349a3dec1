namespace Personalize.Search.Tests.Api;

/// <summary>Guards the public surface of Personalize.Search (see <see cref="PublicSurface"/>).</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Every_public_class_is_sealed_or_static() => PublicSurface.AssertClassesSealedOrStatic(typeof(CatalogSearchIndex).Assembly);

    [Fact]
    public void The_public_surface_matches_the_checked_in_list() =>
        PublicSurface.AssertMatchesCheckedInList(typeof(CatalogSearchIndex).Assembly, "Personalize.Search.Tests");
}
