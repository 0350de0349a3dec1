using System.Globalization;
using System.ComponentModel;
using Personalize.Core.Data;
using Spectre.Console.Cli;

namespace Personalize.Cli.Commands;

/// <summary>The options that say how to read an interaction log; shared by the commands that read one.</summary>
internal class InputSettings : CommandSettings
{
    [CommandOption("--user-col <NAME>")]
    [Description("Column of the user id (name, or 1-based position with --no-header). Default: user_id.")]
    public string? UserColumn { get; init; }

    [CommandOption("--item-col <NAME>")]
    [Description("Column of the item id. Default: item_id.")]
    public string? ItemColumn { get; init; }

    [CommandOption("--event-col <NAME>")]
    [Description("Column of the event type. Default: event_type when the header has it; otherwise every row weighs 1.")]
    public string? EventColumn { get; init; }

    [CommandOption("--time-col <NAME>")]
    [Description("Column of the timestamp (ISO 8601 such as 2024-01-31T12:00:00Z or 20240131, or Unix seconds). Default: timestamp when the header has it.")]
    public string? TimeColumn { get; init; }

    [CommandOption("--time-format <FORMAT>")]
    [Description("How the time column writes a time, as a .NET custom format such as 'M/d/yyyy H:mm' (read as UTC unless it has zzz). Default: ISO 8601, 20240131 or Unix seconds.")]
    public string? TimeFormat { get; init; }

    [CommandOption("--weight-col <NAME>")]
    [Description("Numeric column that multiplies each row's event weight (such as a play count). Default: none.")]
    public string? WeightColumn { get; init; }

    [CommandOption("--quantity-col <NAME>")]
    [Description("Column of the quantity (kept for buy-again; does not change weights). Default: quantity when the header has it.")]
    public string? QuantityColumn { get; init; }

    [CommandOption("--rating-col <NAME>")]
    [Description("Column of an explicit rating (kept for rating trainers). Default: rating when the header has it.")]
    public string? RatingColumn { get; init; }

    [CommandOption("--duplicates <POLICY>")]
    [Description("Ratings: what to do when a user rated an item twice: reject (default, each reported), average or sum.")]
    public string? Duplicates { get; init; }

    [CommandOption("--min-rating <R>")]
    [Description("Ratings below this are rejected. Default: no bound.")]
    public float? MinRating { get; init; }

    [CommandOption("--max-rating <R>")]
    [Description("Ratings above this are rejected. Default: no bound.")]
    public float? MaxRating { get; init; }

    [CommandOption("--delimiter <TEXT>")]
    [Description("Field delimiter: a character, tab, or a longer one such as '::'. Default: detected (, ; tab |).")]
    public string? Delimiter { get; init; }

    [CommandOption("--no-header")]
    [Description("The file has no header line; columns are 1-based positions (user 1, item 2 by default).")]
    public bool NoHeader { get; init; }

    [CommandOption("--event-weights <LIST>")]
    [Description("Weight of each event type. Default: view=1,cart=4,purchase=10.")]
    public string? EventWeights { get; init; }

    [CommandOption("--bad-rows <POLICY>")]
    [Description("fail (default): stop at the first bad row. skip: skip bad rows and report each on stderr.")]
    public string? BadRows { get; init; }

    /// <summary>Refuses <c>--duplicates</c> on a command that builds no rating matrix from the log, where it would be ignored.</summary>
    /// <param name="command">The command, as the person typed it.</param>
    public void RefuseDuplicates(string command)
    {
        if (Duplicates is not null)
        {
            throw new UsageException($"--duplicates chooses between a user's ratings of an item when training or evaluating --trainer explicit; {command} does not use it.");
        }
    }

    public CsvInteractionReaderOptions ReaderOptions(Action<RejectedRow>? onRejected)
    {
        BadRowPolicy policy = BadRows?.ToLowerInvariant() switch
        {
            null or "fail" => BadRowPolicy.Fail,
            "skip" => BadRowPolicy.SkipAndReport,
            _ => throw new UsageException($"--bad-rows '{BadRows}' is not a policy (expected fail or skip)."),
        };
        bool header = !NoHeader;
        if (!header)
        {
            foreach (var (flag, value) in new[] { ("--user-col", UserColumn), ("--item-col", ItemColumn), ("--event-col", EventColumn), ("--time-col", TimeColumn),
                ("--weight-col", WeightColumn), ("--quantity-col", QuantityColumn), ("--rating-col", RatingColumn) })
            {
                if (value is not null && (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int position) || position < 1))
                {
                    throw new UsageException($"{flag} '{value}': with --no-header the file has no column names; give a 1-based position such as 3.");
                }
            }
        }

        return new CsvInteractionReaderOptions
        {
            HasHeader = header,
            UserColumn = UserColumn ?? (header ? "user_id" : "1"),
            ItemColumn = ItemColumn ?? (header ? "item_id" : "2"),
            EventColumn = EventColumn,
            TimeColumn = TimeColumn,
            TimeFormat = TimeFormat,
            WeightColumn = WeightColumn,
            QuantityColumn = QuantityColumn,
            RatingColumn = RatingColumn,
            Delimiter = OptionParsing.Delimiter(Delimiter),
            EventWeights = EventWeights is null ? Core.Data.EventWeights.Default : Core.Data.EventWeights.Parse(EventWeights),
            BadRows = policy,
            OnRejectedRow = onRejected is null ? null : RejectedRowWarnings.Capped(onRejected),
            MinRating = MinRating,
            MaxRating = MaxRating,
        };
    }

    public RatingMatrixOptions DuplicatePolicy() => new()
    {
        Duplicates = Duplicates?.ToLowerInvariant() switch
        {
            null or "reject" => DuplicateRatingPolicy.Reject,
            "average" => DuplicateRatingPolicy.Average,
            "sum" => DuplicateRatingPolicy.Sum,
            _ => throw new UsageException($"--duplicates '{Duplicates}' is not a policy (expected reject, average or sum)."),
        },
        BadRows = ReaderOptions(null).BadRows,
    };
}
