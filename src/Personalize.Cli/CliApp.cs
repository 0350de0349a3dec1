using System.ComponentModel.DataAnnotations;
using Personalize.Cli.Commands;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli;

/// <summary>The <c>personalize</c> command line: wiring, exit codes and error reporting.</summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int BadInput = 2;

    /// <summary>Runs the tool with the given arguments and consoles; returns the exit code.</summary>
    public static int Run(string[] args, IAnsiConsole? output = null, TextWriter? error = null, bool? interactive = null)
    {
        if (output is not null || error is not null)
        {
            CliConsole.Use(output ?? AnsiConsole.Console, error ?? Console.Error, interactive ?? false);
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("personalize");
            config.PropagateExceptions();
            if (output is not null)
            {
                config.ConfigureConsole(output);
            }

            config.AddCommand<TrainCommand>("train").WithDescription("Train a model from an interaction log (CSV/TSV).")
                .WithExample("train", "--input", "samples/data/events.csv", "--out", "model.pzm");
            config.AddCommand<TuneCommand>("tune").WithDescription("Search trainer options on a validation split (grid or random, early stopping) and write the best as JSON for train --options.")
                .WithExample("tune", "--input", "samples/data/events.csv", "--space", "factors=16,32,64;regularization=0.01..1;alpha=10,40", "--out", "best.json");
            config.AddCommand<RecommendCommand>("recommend").WithDescription("Recommend items for users from a saved model.")
                .WithExample("recommend", "--model", "model.pzm", "--user", "U0001", "--top", "10");
            config.AddCommand<RelatedCommand>("related").WithDescription("Items related to an item or a basket: item factors blended with co-occurrence; each says which.")
                .WithExample("related", "--model", "model.pzm", "--item", "I0042", "--top", "10");
            config.AddCommand<BrowseCommand>("browse").WithDescription("Browse the catalogue: filter, sort, page and count facets.")
                .WithExample("browse", "--items", "samples/data/items.csv", "--filter", "price <= 50 and in_stock", "--sort", "price-asc", "--facets", "brand,category");
            config.AddCommand<PreferencesCommand>("preferences").WithDescription("Show or change a user's saved preferences (default filter, blocks, sort, opt-out) in a SQLite store.")
                .WithExample("preferences", "--store", "prefs.db", "--user", "U0001", "--block-brand", "Acme", "--sort", "price-asc");
            config.AddCommand<TrendingCommand>("trending").WithDescription("Replay an event log and list the items trending now (event rate against each item's own baseline), globally or per category.")
                .WithExample("trending", "--input", "samples/data/events.csv", "--half-life", "6h", "--baseline-half-life", "7d", "--items", "samples/data/items.csv");
            config.AddCommand<RecentlyViewedCommand>("recently-viewed").WithDescription("Replay an event log and list a user's last distinct viewed items, newest first.")
                .WithExample("recently-viewed", "--input", "samples/data/events.csv", "--user", "U0001", "--items", "samples/data/items.csv", "--filter", "in_stock");
            config.AddCommand<BuyAgainCommand>("buy-again").WithDescription("Replay an event log and list what a user is likely to re-order now (repeat rate × how due it is).")
                .WithExample("buy-again", "--input", "samples/data/events.csv", "--user", "U0001", "--items", "samples/data/items.csv");
            config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Measure a trainer on held-out data next to the baselines; table, JSON and a Markdown report.")
                .WithExample("evaluate", "--input", "samples/data/events.csv", "--split", "time", "--report", "report.md");
            config.AddCommand<PredictCommand>("predict").WithDescription("Score every (user, item) pair of a CSV: predicted ratings for explicit models.")
                .WithExample("predict", "--model", "ratings.pzm", "--input", "pairs.csv", "--out", "preds.csv");
            config.AddCommand<ImportSparkCommand>("import-spark").WithDescription("Import a Spark MLlib ALS model (the folder model.save(path) wrote) into a model file.")
                .WithExample("import-spark", "--model-dir", "als-model", "--out", "model.pzm", "--ids", "ids.csv", "--interactions", "events.csv");
            config.AddCommand<DemoCommand>("demo").WithDescription("Train on the bundled sample shop and show users' history next to their recommendations.");
            config.AddCommand<SampleCommand>("sample").WithDescription("Write the synthetic sample shop (items, events, ratings) to a folder.");
            config.AddCommand<InspectCommand>("inspect").WithDescription("Show what a model file holds.");
        });

        try
        {
            return app.Run(NormalizeArguments(args));
        }
        catch (Exception exception) when (Classify(exception) is { } code)
        {
            CliConsole.Error.WriteLine($"error: {Message(exception)}");
            return code;
        }
    }

    /// <summary>Accepts <c>--k</c> (the documented spelling) for <c>-k</c>: the parser takes one-letter options only in short form.</summary>
    internal static string[] NormalizeArguments(string[] args) =>
        [.. args.Select(a => a == "--k" ? "-k" : a.StartsWith("--k=", StringComparison.Ordinal) ? "-k=" + a[4..] : a)];

    private static int? Classify(Exception exception) => exception switch
    {
        UsageException or CommandParseException or CommandConfigurationException or CommandRuntimeException => BadInput,
        InteractionDataException or ModelFormatException or TrainerOptionsFileException or ValidationException or FormatException => BadInput,
        FileNotFoundException or DirectoryNotFoundException => BadInput,
        OperationCanceledException => RuntimeFailure,
        _ => RuntimeFailure,
    };

    private static string Message(Exception exception)
    {
        string message = exception.Message.ReplaceLineEndings(" ");
        return exception is InteractionDataException or ModelFormatException or TrainerOptionsFileException ? message : message.Trim();
    }
}
