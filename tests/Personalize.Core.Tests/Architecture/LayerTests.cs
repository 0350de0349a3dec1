using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Personalize.Core.Data;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using ArchArchitecture = ArchUnitNET.Domain.Architecture;

namespace Personalize.Core.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/architecture.md: which folder of Personalize.Core may use which, no cycles between folders, and Core
/// free of the add-ons' heavy dependencies (each add-on's test project checks that it uses no other add-on). Each folder is a
/// namespace (<c>Personalize.Core.&lt;Folder&gt;</c>), so the rules are checked on namespaces in the compiled assembly.
/// </summary>
public sealed class LayerTests
{
    private const string Core = "Personalize.Core.";

    /// <summary>Each folder of Personalize.Core and the folders it may use (besides itself). Keep in step with docs/architecture.md.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Internal"] = [],
        ["Scoring"] = ["Internal"],
        ["Preferences"] = [],
        ["Data"] = ["Internal"],
        ["Filtering"] = ["Data", "Internal"],
        ["Models"] = ["Data", "Internal"],
        ["Training"] = ["Models", "Data", "Internal"],
        ["Recommending"] = ["Models", "Scoring", "Filtering", "Preferences", "Data", "Internal"],
        ["Tracking"] = ["Recommending", "Models", "Scoring", "Filtering", "Data", "Internal"],
        ["Serving"] = ["Recommending", "Models", "Filtering", "Data", "Internal"],
        ["Pages"] = ["Tracking", "Recommending", "Models", "Scoring", "Filtering", "Preferences", "Data", "Internal"],
        ["Evaluation"] = ["Training", "Recommending", "Models", "Scoring", "Filtering", "Data", "Internal"],
    };

    private static readonly ArchArchitecture Architecture = new ArchLoader()
        .LoadAssemblies(typeof(InteractionLog).Assembly)
        .Build();

    public static TheoryData<string> Folders => [.. Allowed.Keys];

    [Theory, MemberData(nameof(Folders))]
    public void A_folder_uses_only_the_folders_below_it(string folder)
    {
        string[] forbidden = [.. Allowed.Keys.Where(other => other != folder && !Allowed[folder].Contains(other)).Select(other => Core + other)];
        if (forbidden.Length == 0)
        {
            return;
        }

        Types().That().ResideInAssembly(typeof(InteractionLog).Assembly).And().ResideInNamespace(Core + folder)
            .Should().NotDependOnAny(InNamespaces(forbidden))
            .Because($"docs/architecture.md lets {folder} use only {(Allowed[folder].Length == 0 ? "nothing else" : string.Join(", ", Allowed[folder]))}")
            .Check(Architecture);
    }

    private static IObjectProvider<IType> InNamespaces(string[] namespaces)
    {
        var types = Types().That().ResideInNamespace(namespaces[0]);
        foreach (string name in namespaces[1..])
        {
            types = types.Or().ResideInNamespace(name);
        }

        return types;
    }

    [Fact]
    public void The_folders_of_Core_have_no_cycles() =>
        ArchUnitNET.Fluent.Slices.SliceRuleDefinition.Slices().Matching("Personalize.Core.(*)").Should().BeFreeOfCycles().Check(Architecture);

    [Fact]
    public void Every_namespace_of_Core_is_a_folder_with_rules()
    {
        var unknown = Architecture.Types
            .Where(t => t.Assembly.FullName == typeof(InteractionLog).Assembly.FullName && t.Namespace.FullName.StartsWith(Core, StringComparison.Ordinal))
            .Select(t => t.Namespace.FullName[Core.Length..])
            .Where(folder => !Allowed.ContainsKey(folder))
            .Distinct()
            .ToList();

        Assert.True(unknown.Count == 0, $"Folders without dependency rules (add them to docs/architecture.md and LayerTests.Allowed): {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Core_does_not_reference_MLNet_Sqlite_Parquet_or_the_add_ons()
    {
        string[] heavy = ["Microsoft.ML", "Microsoft.Data.Sqlite", "SQLitePCL", "Parquet", "Personalize.ML", "Personalize.Preferences.Sqlite", "Personalize.Spark"];
        var referenced = typeof(InteractionLog).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        var wrong = referenced.Where(name => heavy.Any(h => name == h || name.StartsWith(h + ".", StringComparison.Ordinal))).ToList();

        Assert.Contains("CsvHelper", referenced);   // the check sees package references at all
        Assert.True(wrong.Count == 0, "Personalize.Core must not pay for ML.NET, SQLite or Parquet, but references: " + string.Join(", ", wrong));
    }

    [Fact]
    public void Internals_are_visible_to_tests_and_benchmarks_only()
    {
        var friends = typeof(InteractionLog).Assembly.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), false)
            .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName)
            .ToList();

        Assert.Contains("Personalize.Core.Tests", friends);
        // Personalize.Search.Tests pins search pages to CatalogBrowser's internal catalogue-scan reference; it is a test project, not
        // shipped code, so the add-on itself still uses the public API only.
        Assert.All(friends, friend => Assert.True(friend is "Personalize.Core.Tests" or "Personalize.Benchmarks" or "Personalize.Search.Tests",
            $"Personalize.Core shows its internals to {friend}; the CLI, the DI package and the add-ons use the public API only."));
    }
}
