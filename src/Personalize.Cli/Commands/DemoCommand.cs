using System.ComponentModel;
using System.Globalization;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary>
/// <c>personalize demo</c>: trains on the sample shop with its last 10 days held out, compares with most-popular on those days, and shows
/// a few users' history next to their recommendations.
/// </summary>
internal sealed class DemoCommand : Command<DemoCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("The folder with events.csv and items.csv. Default: samples/data, searched from the current folder upwards.")]
        public string? Data { get; init; }

        [CommandOption("--users <N>")]
        [Description("How many users to show. Default: 3.")]
        public int Users { get; init; } = 3;

        [CommandOption("--threads <N>")]
        [Description("Training threads. Default: all cores.")]
        public int? Threads { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Users < 1)
        {
            throw new UsageException($"--users {settings.Users} must be at least 1.");
        }

        string folder = settings.Data ?? FindSampleFolder()
            ?? throw new UsageException("Could not find samples/data/events.csv above the current folder; run from the repository or pass --data DIR.");
        string events = Path.Combine(folder, "events.csv");
        string itemsFile = Path.Combine(folder, "items.csv");
        ItemTitles titles = File.Exists(itemsFile) ? ItemTitles.Load(itemsFile, idColumn: null) : ItemTitles.Empty;
        IAnsiConsole console = CliConsole.Out;

        InteractionLog log = InteractionLog.ReadCsv(events);
        if (log.Count == 0)
        {
            throw new UsageException($"{events} has no events; the demo trains on a log (personalize sample --out DIR writes one).");
        }

        DateTimeOffset latest = log.GetLatestTimestamp()
            ?? throw new UsageException($"{events} has no timestamps; the demo holds out the last 10 days and needs them.");
        // The cut falls at midnight (UTC), so the held-out part is the last 10 whole days and the date printed is the first of them.
        DateTimeOffset cutoff = new DateTimeOffset(latest.UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - 10);
        (InteractionLog train, InteractionLog heldOut) = log.SplitByTime(cutoff);
        if (train.Count == 0)
        {
            throw new UsageException(Invariant($"{events} spans fewer than 10 days (its first event is on {DateTimeOffset.FromUnixTimeSeconds(System.Linq.Enumerable.Min(log.Timestamps.ToArray())).UtcDateTime:yyyy-MM-dd}, its last on {latest.UtcDateTime:yyyy-MM-dd}): the demo holds out the last 10 days and trains on the days before them."));
        }

        console.MarkupLine(Invariant($"[bold]Sample shop[/]: {log.Report.Read:N0} events read ({log.Report.Rejected:N0} rejected), {log.Users.Count:N0} users, {log.Items.Count:N0} items, in {log.Report.Elapsed.TotalMilliseconds:F0} ms."));
        console.MarkupLine(Invariant($"Training on events before {cutoff:yyyy-MM-dd} ({train.Count:N0}); holding out the last 10 days, {cutoff:yyyy-MM-dd} to {latest.UtcDateTime:yyyy-MM-dd} ({heldOut.Count:N0}), to check the model."));

        var trainer = new ImplicitAlsTrainer(new ImplicitAlsTrainer.Options { NumberOfThreads = settings.Threads });
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(train);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        FactorModel model = trainer.Fit(feedback, cancellationToken: CliCancellation.Token);
        console.MarkupLine(Invariant($"Trained implicit ALS ({trainer.TrainerOptions.NumberOfFactors} factors, {trainer.TrainerOptions.NumberOfIterations} epochs) in {watch.Elapsed.TotalSeconds:F2} s."));

        using var recommender = new Recommender(model);
        RankingReport als = RankingEvaluation.Evaluate(recommender, heldOut, 10);
        RankingReport popular = RankingEvaluation.EvaluatePopularity(model, heldOut, 10);
        var quality = new Table().Title("Held-out last 10 days, top 10").AddColumns("", "recall@10", "NDCG@10", "hit rate");
        quality.Border(TableBorder.Rounded);
        quality.AddRow("implicit ALS", F(als.Recall), F(als.Ndcg), F(als.HitRate));
        quality.AddRow("most popular", F(popular.Recall), F(popular.Ndcg), F(popular.HitRate));
        console.Write(quality);
        console.MarkupLine(Invariant($"{als.UsersEvaluated:N0} users evaluated; {als.UsersSkipped:N0} skipped (new in the held-out days, or nothing new to find)."));

        var future = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (int row = 0; row < heldOut.Count; row++)
        {
            string user = heldOut.Users.GetId(heldOut.UserIndices[row]);
            if (!future.TryGetValue(user, out HashSet<string>? set))
            {
                future[user] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(heldOut.Items.GetId(heldOut.ItemIndices[row]));
        }

        int shown = 0;
        for (int user = 0; user < model.Users.Count && shown < settings.Users; user++)
        {
            string userId = model.Users.GetId(user);
            if (model.GetSeenItems(user).Length < 5 || !future.ContainsKey(userId))
            {
                continue;
            }

            ShowUser(console, train, model, recommender, userId, titles, future[userId]);
            shown++;
        }

        console.MarkupLine("[grey]★ marks an item the user went on to view, cart or buy in the held-out days.[/]");
        return CliApp.Success;
    }

    private static void ShowUser(IAnsiConsole console, InteractionLog train, FactorModel model, Recommender recommender, string userId,
        ItemTitles titles, HashSet<string> future)
    {
        var history = new List<(long Time, string Event, string Item)>();
        for (int row = 0; row < train.Count; row++)
        {
            if (train.Users.GetId(train.UserIndices[row]) == userId)
            {
                string eventName = train.EventTypes?.Names[train.EventTypeIndices[row]] ?? "event";
                history.Add((train.Timestamps[row], eventName, train.Items.GetId(train.ItemIndices[row])));
            }
        }

        history.Sort((a, b) => b.Time.CompareTo(a.Time));
        RecommendationList list = recommender.ForUser(userId, 10);
        var table = new Table().Title(Invariant($"[bold]{Markup.Escape(userId)}[/]: {history.Count} events before the cut")).AddColumns("recent history", "recommended for you");
        table.Border(TableBorder.Rounded);
        int rows = Math.Max(Math.Min(history.Count, 10), list.Count);
        for (int r = 0; r < rows; r++)
        {
            string left = r < Math.Min(history.Count, 10)
                ? $"{DateTimeOffset.FromUnixTimeSeconds(history[r].Time):MM-dd} {history[r].Event,-8} {titles.Describe(history[r].Item)}"
                : "";
            string right = r < list.Count ? $"{r + 1,2}. {titles.Describe(list[r].ItemId)}{(future.Contains(list[r].ItemId) ? " ★" : "")}" : "";
            table.AddRow(Markup.Escape(left), Markup.Escape(right));
        }

        console.Write(table);
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal static string? FindSampleFolder()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "samples", "data");
                if (File.Exists(Path.Combine(candidate, "events.csv")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
