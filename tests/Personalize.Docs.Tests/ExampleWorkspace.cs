using System.Globalization;
using System.Text;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;
using Row = Personalize.Spark.Tests.TestSupport.SparkModelFolder.Row;

namespace Personalize.Docs.Tests;

/// <summary>
/// The files the examples read, prepared once per test run and copied into a fresh folder for each example: the bundled sample shop
/// (<c>samples/data/*.csv</c>, also at the top of the folder for the package READMEs, which say <c>events.csv</c>), the model the
/// README's first example saves (<c>shop.pzm</c>: implicit ALS with the default options on the sample events), and a Spark ALS model
/// folder (<c>als-model/</c>, <c>als-ids.csv</c>) holding that model's factors, as <c>ALSModel.save</c> would write them.
/// </summary>
public sealed class ExampleWorkspace : IDisposable
{
    private static readonly string[] SampleFiles = ["events.csv", "items.csv", "ratings.csv"];

    private readonly TempDirectory _temp = new();
    private readonly string _template;
    private int _runs;

    /// <summary>Prepares the files.</summary>
    public ExampleWorkspace()
    {
        Root = FindRoot();
        SampleData = Path.Combine(Root, "samples", "data");
        _template = Path.Combine(_temp.Path, "template");
        string data = Path.Combine(_template, "samples", "data");
        Directory.CreateDirectory(data);
        foreach (string file in SampleFiles)
        {
            File.Copy(Path.Combine(SampleData, file), Path.Combine(data, file));
            File.Copy(Path.Combine(SampleData, file), Path.Combine(_template, file));
        }

        Catalog = ItemCatalog.ReadCsv(Path.Combine(SampleData, "items.csv"));
        Events = InteractionLog.ReadCsv(Path.Combine(SampleData, "events.csv"));
        FactorModel model = new ImplicitAlsTrainer().Fit(FeedbackMatrix.FromLog(Events));
        ModelFile.Save(model, Path.Combine(_template, "shop.pzm"));
        WriteSparkModel(model, Path.Combine(_template, "als-model"), Path.Combine(_template, "als-ids.csv"));
    }

    /// <summary>Gets the repository root (the folder of <c>Personalize.Core.sln</c>).</summary>
    public string Root { get; }

    /// <summary>Gets the bundled sample shop, <c>samples/data</c>.</summary>
    public string SampleData { get; }

    /// <summary>Gets the sample shop's catalogue.</summary>
    public ItemCatalog Catalog { get; }

    /// <summary>Gets the sample shop's events.</summary>
    public InteractionLog Events { get; }

    /// <summary>Creates a fresh folder holding a copy of the prepared files.</summary>
    public string NewFolder()
    {
        string folder = Path.Combine(_temp.Path, "run-" + Interlocked.Increment(ref _runs).ToString(CultureInfo.InvariantCulture));
        Copy(_template, folder);
        return folder;
    }

    /// <inheritdoc/>
    public void Dispose() => _temp.Dispose();

    private static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.GetDirectories(source))
        {
            Copy(folder, Path.Combine(target, Path.GetFileName(folder)));
        }
    }

    /// <summary>Finds the repository root above the test's folder.</summary>
    public static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Personalize.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Personalize.Core.sln was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Writes the model's factors as Spark would save them, with Spark's integer ids 0, 1, ... and the id mapping file
    /// (<c>kind,index,id</c>) that restores the string ids.</summary>
    private static void WriteSparkModel(FactorModel model, string folder, string idsPath)
    {
        int rank = model.NumberOfFactors;
        var spark = new SparkModelFolder(folder);
        spark.WriteMetadata(rank, extraParams: ",\"implicitPrefs\":true");
        spark.WriteFactors("userFactors", Parts(model.UserFactors.ToArray(), model.Users.Count, rank));
        spark.WriteFactors("itemFactors", Parts(model.ItemFactors.ToArray(), model.Items.Count, rank));
        var ids = new StringBuilder("kind,index,id\n");
        for (int u = 0; u < model.Users.Count; u++)
        {
            ids.Append(CultureInfo.InvariantCulture, $"user,{u},{model.Users.Ids[u]}\n");
        }

        for (int i = 0; i < model.Items.Count; i++)
        {
            ids.Append(CultureInfo.InvariantCulture, $"item,{i},{model.Items.Ids[i]}\n");
        }

        File.WriteAllText(idsPath, ids.ToString());
    }

    /// <summary>Rows split over two part files, as a cluster's partitions would.</summary>
    private static List<IReadOnlyList<Row>> Parts(float[] factors, int count, int rank)
    {
        var parts = new List<IReadOnlyList<Row>> { new List<Row>(), new List<Row>() };
        for (int index = 0; index < count; index++)
        {
            float?[] features = [.. factors.AsSpan(index * rank, rank).ToArray().Select(f => (float?)f)];
            ((List<Row>)parts[index % 2]).Add(new Row(index, features));
        }

        return parts;
    }
}
