using System.Reflection;
using Personalize.Core.ML;

namespace Personalize.ML.Tests.Api;

/// <summary>
/// Guards Personalize.ML's public surface (the checked-in list <c>Api/PublicApi.txt</c>; see <see cref="PublicSurface"/>) and its place among
/// the packages: it builds on Personalize.Core's public API only and uses no other add-on.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly Assembly Package = typeof(PersonalizationCatalog).Assembly;

    [Fact]
    public void Every_public_class_is_sealed_or_static() => PublicSurface.AssertClassesSealedOrStatic(Package);

    [Fact]
    public void The_public_surface_matches_the_checked_in_list() => PublicSurface.AssertMatchesCheckedInList(Package, "Personalize.ML.Tests");

    [Fact]
    public void The_package_is_its_own_assembly() => Assert.Equal("Personalize.ML", Package.GetName().Name);

    [Fact]
    public void The_package_uses_Core_and_no_other_add_on()
    {
        string[] referenced = [.. Package.GetReferencedAssemblies().Select(a => a.Name ?? "")];

        Assert.Contains("Personalize.Core", referenced);
        Assert.DoesNotContain(referenced, name => name is "Personalize.Preferences.Sqlite" or "Personalize.Spark");
    }

    [Fact]
    public void Internals_are_visible_to_its_tests_and_the_benchmarks_only()
    {
        string[] friends = [.. Package.GetCustomAttributes<System.Runtime.CompilerServices.InternalsVisibleToAttribute>().Select(a => a.AssemblyName)];

        Assert.Contains("Personalize.ML.Tests", friends);
        Assert.All(friends, friend => Assert.True(friend is "Personalize.ML.Tests" or "Personalize.Benchmarks",
            $"Personalize.ML shows its internals to {friend}; the CLI, the DI package and the other add-ons use the public API only."));
    }
}
