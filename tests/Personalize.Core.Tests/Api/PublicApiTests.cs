using System.Reflection;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Api;

/// <summary>
/// Guards the public surface of Personalize.Core (the checked-in list <c>Api/PublicApi.txt</c>; see <see cref="PublicSurface"/>). Each
/// add-on package's test project guards its own.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly Assembly Core = typeof(InteractionLog).Assembly;

    [Fact]
    public void Every_public_class_is_sealed_or_static() => PublicSurface.AssertClassesSealedOrStatic(Core);

    [Fact]
    public void The_public_surface_matches_the_checked_in_list() => PublicSurface.AssertMatchesCheckedInList(Core, "Personalize.Core.Tests");

    [Fact]
    public void The_package_is_its_own_assembly() => Assert.Equal("Personalize.Core", Core.GetName().Name);
}
