using System.Reflection;
using Personalize.Core.Data;
using Personalize.Core.ML;
using Personalize.Core.Preferences;
using Personalize.Core.Spark;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Api;

/// <summary>
/// Guards the public surface of Personalize.Core and of the add-on packages whose tests live here (Personalize.ML,
/// Personalize.Preferences.Sqlite, Personalize.Spark), one checked-in list per package (see <see cref="PublicSurface"/>).
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages => ["Personalize.Core", "Personalize.ML", "Personalize.Preferences.Sqlite", "Personalize.Spark"];

    [Theory, MemberData(nameof(Packages))]
    public void Every_public_class_is_sealed_or_static(string package) => PublicSurface.AssertClassesSealedOrStatic(AssemblyOf(package));

    [Theory, MemberData(nameof(Packages))]
    public void The_public_surface_matches_the_checked_in_list(string package) =>
        PublicSurface.AssertMatchesCheckedInList(AssemblyOf(package), "Personalize.Core.Tests", ListName(package));

    [Theory, MemberData(nameof(Packages))]
    public void Each_package_is_its_own_assembly(string package) => Assert.Equal(package, AssemblyOf(package).GetName().Name);

    /// <summary>Core's list keeps its old name, so its history stays in one file.</summary>
    private static string ListName(string package) => package == "Personalize.Core" ? "PublicApi.txt" : $"PublicApi.{package}.txt";

    private static Assembly AssemblyOf(string package) => package switch
    {
        "Personalize.Core" => typeof(InteractionLog).Assembly,
        "Personalize.ML" => typeof(PersonalizationCatalog).Assembly,
        "Personalize.Preferences.Sqlite" => typeof(SqlitePreferenceStore).Assembly,
        "Personalize.Spark" => typeof(SparkAlsImporter).Assembly,
        _ => throw new ArgumentOutOfRangeException(nameof(package), package, "Not a package of this repository."),
    };
}
