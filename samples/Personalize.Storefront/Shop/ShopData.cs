using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Storefront.Shop;

/// <summary>The sample shop read once at start-up: the catalogue, the event history, and the model file to serve.</summary>
internal sealed class ShopData
{
    private ShopData(string directory, ItemCatalog catalog, InteractionLog history, string modelPath, bool trained)
    {
        Directory = directory;
        Catalog = catalog;
        History = history;
        ModelPath = modelPath;
        Trained = trained;
        Start = history.GetLatestTimestamp() ?? DateTimeOffset.UtcNow;
    }

    /// <summary>The data folder.</summary>
    public string Directory { get; }

    /// <summary>The catalogue (items.csv).</summary>
    public ItemCatalog Catalog { get; }

    /// <summary>The event history (events.csv), replayed into every model's tracker.</summary>
    public InteractionLog History { get; }

    /// <summary>The model file served (given, or trained at start-up).</summary>
    public string ModelPath { get; }

    /// <summary>Whether the model was trained at this start-up.</summary>
    public bool Trained { get; }

    /// <summary>The last event of the history: the shop clock starts here.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The catalogue file.</summary>
    public string ItemsPath => Path.Combine(Directory, "items.csv");

    /// <summary>Reads the shop and trains a model when none is given.</summary>
    public static ShopData Load(StorefrontOptions options)
    {
        string directory = options.Data ?? FindSampleData()
            ?? throw new StorefrontStartupException("The sample shop was not found: set Storefront:Data to a folder with items.csv and events.csv (samples/data).");
        string items = Path.Combine(directory, "items.csv");
        string events = Path.Combine(directory, "events.csv");
        foreach (string file in new[] { items, events })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"Storefront:Data is '{directory}', which has no {Path.GetFileName(file)}.", file);
            }
        }

        string? given = string.IsNullOrWhiteSpace(options.Model) ? null : options.Model;   // an empty setting is unset: train one
        if (given is not null && !File.Exists(given))
        {
            // Found here, before the shop is read, rather than by the model service's own check once the host starts.
            throw new StorefrontStartupException(System.IO.Directory.Exists(given)
                ? $"Storefront:Model is '{given}', which is a folder; expected a model file written by personalize train or ModelFile.Save."
                : $"Storefront:Model is '{given}', which does not exist (full path {Path.GetFullPath(given)}); expected a model file written by "
                    + "personalize train or ModelFile.Save. Leave Storefront:Model unset to train one at start-up.");
        }

        ItemCatalog catalog = ItemCatalog.ReadCsv(items);
        InteractionLog history = InteractionLog.ReadCsv(events);
        string? model = given;
        bool trained = false;
        if (model is null)
        {
            // A second storefront on this state folder would stop at the journal's lock, but only after training: its model would have
            // replaced the running shop's file, which the running shop then swapped in. Ask the lock first.
            ThrowIfJournalInUse(JournalDirectory(options));
            string state = StateDirectory(options);
            System.IO.Directory.CreateDirectory(state);
            model = Path.Combine(state, "shop.pzm");
            ModelFile.Save(Train(history, options.Factors, options.Epochs, options.Seed), model);
            trained = true;
        }

        return new ShopData(directory, catalog, history, Path.GetFullPath(model), trained);
    }

    /// <summary>Throws when another tracker (another storefront) holds the journal: the lock file the live tracker takes (tracker.lock,
    /// held with no sharing while the tracker is open), opened and released again.</summary>
    private static void ThrowIfJournalInUse(string journal)
    {
        string lockPath = Path.Combine(journal, "tracker.lock");
        if (!File.Exists(lockPath))
        {
            return;
        }

        try
        {
            using Microsoft.Win32.SafeHandles.SafeFileHandle probe = File.OpenHandle(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new StorefrontStartupException($"The event journal {journal} is in use by another storefront (or another tracker), so this one "
                + "would not start; nothing was trained or written. Stop the other one, or give this one its own Storefront:StateDirectory.", exception);
        }
    }

    /// <summary>Trains implicit ALS with fixed options (no tuning) and attaches co-occurrence counts for related items.</summary>
    public static FactorModel Train(InteractionLog history, int factors, int epochs, int seed)
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(history);
        var trainer = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options
        {
            NumberOfFactors = factors,
            NumberOfIterations = epochs,
            Seed = seed,
            NumberOfThreads = Math.Max(1, Environment.ProcessorCount),
        });
        FactorModel model = trainer.Fit(feedback);
        return model.WithCooccurrence(CooccurrenceIndex.Build(feedback, items: model.Items));
    }

    /// <summary>The folder for the trained model and the preference database.</summary>
    public static string StateDirectory(StorefrontOptions options) =>
        options.StateDirectory ?? Path.Combine(Path.GetTempPath(), "personalize-storefront");

    /// <summary>The event journal's directory: <see cref="StorefrontOptions.Journal"/>, or events in the state folder.</summary>
    public static string JournalDirectory(StorefrontOptions options) =>
        Path.GetFullPath(options.Journal ?? Path.Combine(StateDirectory(options), "events"));

    /// <summary>Where the DI package keeps the last-good copy of the model: <see cref="StorefrontOptions.LastGoodModel"/>, or
    /// last-good.pzm in the state folder.</summary>
    public static string LastGoodModelPath(StorefrontOptions options) =>
        Path.GetFullPath(options.LastGoodModel ?? Path.Combine(StateDirectory(options), "last-good.pzm"));

    /// <summary>Walks up from the working folder and from the app's folder to the first samples/data with items.csv.</summary>
    private static string? FindSampleData()
    {
        foreach (string start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "samples", "data");
                if (File.Exists(Path.Combine(candidate, "items.csv")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
