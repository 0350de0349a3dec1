using System.ComponentModel;
using Personalize.Cli.Sample;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary><c>personalize sample</c>: writes the deterministic synthetic shop.</summary>
internal sealed class SampleCommand : Command<SampleCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("The folder to write items.csv, events.csv and ratings.csv to. Default: samples/data.")]
        public string Out { get; init; } = Path.Combine("samples", "data");

        [CommandOption("--seed <N>")]
        [Description("The generator's seed. Default: the one the bundled sample was made with.")]
        public int? Seed { get; init; }

        [CommandOption("--users <N>")]
        [Description("Number of users. Default: 5000.")]
        public int? Users { get; init; }

        [CommandOption("--items <N>")]
        [Description("Number of items. Default: 2000.")]
        public int? Items { get; init; }

        [CommandOption("--events <N>")]
        [Description("Approximate number of events (each user has at most two sessions a day on average, so few --users cap it: the command says so). Default: 93000 (the bundled sample).")]
        public int? Events { get; init; }

        [CommandOption("--force")]
        [Description("Replace items.csv, events.csv and ratings.csv where --out already has them (to regenerate samples/data). Default: off, and the command refuses to replace them")]
        public bool Force { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var defaults = new SampleShopOptions();
        int users = settings.Users ?? defaults.Users;
        int ratingItems = Math.Clamp(defaults.RatingItems, 1, Math.Max(1, settings.Items ?? defaults.Items));
        var options = defaults with
        {
            RatingItems = ratingItems,
            RatingsPerUser = Math.Min(defaults.RatingsPerUser, ratingItems),
            Seed = settings.Seed ?? defaults.Seed,
            Users = users,
            RatingUsers = Math.Clamp(defaults.RatingUsers, 0, Math.Max(users, 0)),
            Items = settings.Items ?? defaults.Items,
            TargetEvents = settings.Events ?? defaults.TargetEvents,
        };
        if (File.Exists(settings.Out))
        {
            throw new UsageException($"--out '{settings.Out}' is a file; give the folder to write items.csv, events.csv and ratings.csv to.");
        }

        string[] existing = [.. new[] { SampleShopGenerator.ItemsFileName, SampleShopGenerator.EventsFileName, SampleShopGenerator.RatingsFileName }
            .Where(name => Path.Exists(Path.Combine(settings.Out, name)))];
        if (existing.Length > 0 && !settings.Force)
        {
            throw new UsageException($"--out '{settings.Out}' already has {CliApp.JoinAnd(existing)}; give --force to replace "
                + $"{(existing.Length == 1 ? "it" : "them")} with the sample, or another folder.");
        }

        try
        {
            SampleShopSummary summary = SampleShopGenerator.Write(settings.Out, options);
            CliConsole.Out.WriteLine($"Wrote {summary.Items:N0} items, {summary.Events:N0} events and {summary.Ratings:N0} ratings to {settings.Out}.");
            if (summary.Events < 0.9 * options.TargetEvents)
            {
                CliConsole.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"note: {summary.Events:N0} events where --events asked for about {options.TargetEvents:N0}: each of the {options.Users:N0} users has at most "
                    + $"{options.Days * 2:N0} sessions (two a day over {options.Days} days); give more --users for more events."));
            }
        }
        catch (ArgumentOutOfRangeException exception)
        {
            // The options' names as the command line spells them.
            throw new UsageException(exception.Message.ReplaceLineEndings(" ").Replace("SampleShopOptions.TargetEvents", "--events", StringComparison.Ordinal)
                .Replace("SampleShopOptions.Users", "--users", StringComparison.Ordinal).Replace("SampleShopOptions.Items", "--items", StringComparison.Ordinal)
                .Replace("x Users", "x --users", StringComparison.Ordinal));
        }

        return CliApp.Success;
    }
}
