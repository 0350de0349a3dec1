using System.ComponentModel.DataAnnotations;
using Personalize.Core.Internal;

namespace Personalize.Core.Data;

/// <summary>
/// How <see cref="CsvInteractionReader"/> reads an interaction log: which columns hold what, the delimiter, and what to do with bad rows.
/// </summary>
/// <remarks>
/// Columns are named by their header name, or, in a file without a header, by their 1-based position (<c>"1"</c>, <c>"2"</c>, ...).
/// Immutable and safe to share between threads.
/// </remarks>
public sealed record CsvInteractionReaderOptions : IValidatableObject
{
    /// <summary>Gets the field delimiter: one character such as <c>","</c>, <c>"\t"</c> or <c>";"</c>, or a longer one such as <c>"::"</c>.</summary>
    /// <value>The default is <see langword="null"/>: the delimiter is detected from the first lines (one of , ; tab |).</value>
    public string? Delimiter { get; init; }

    /// <summary>Gets whether the first line is a header that names the columns.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HasHeader { get; init; } = true;

    /// <summary>Gets the column of the user id.</summary>
    /// <value>The default is <c>user_id</c> (position 1 in a file without a header).</value>
    [Required(AllowEmptyStrings = false)]
    public string UserColumn { get; init; } = CsvInteractionReaderDefaults.UserColumn;

    /// <summary>Gets the column of the item id.</summary>
    /// <value>The default is <c>item_id</c> (position 2 in a file without a header).</value>
    [Required(AllowEmptyStrings = false)]
    public string ItemColumn { get; init; } = CsvInteractionReaderDefaults.ItemColumn;

    /// <summary>Gets the column of the event type (view, cart, purchase, ...), whose weights are <see cref="EventWeights"/>.</summary>
    /// <value>The default is <see langword="null"/>: the column <c>event_type</c> is used when the header has it; otherwise every row weighs 1.</value>
    public string? EventColumn { get; init; }

    /// <summary>Gets the column of the timestamp, as ISO 8601 (<c>2024-01-31T12:00:00Z</c>) or Unix seconds (13 or more digits: milliseconds).</summary>
    /// <value>The default is <see langword="null"/>: the column <c>timestamp</c> is used when the header has it.</value>
    public string? TimeColumn { get; init; }

    /// <summary>Gets the .NET custom date and time format of the time column, such as <c>M/d/yyyy H:mm</c> for <c>12/1/2010 8:26</c>, read
    /// with the invariant culture, as UTC unless the format has an offset (<c>zzz</c>). Spellings such as <c>01/02/2024</c> are refused
    /// without it, because they do not say which number is the month.</summary>
    /// <value>The default is <see langword="null"/>: ISO 8601, eight-digit dates or Unix seconds.</value>
    public string? TimeFormat { get; init; }

    /// <summary>Gets a numeric column whose value multiplies the row's event weight, such as a play count or a rating.</summary>
    /// <value>The default is <see langword="null"/>: no multiplier.</value>
    public string? WeightColumn { get; init; }

    /// <summary>Gets the column of the quantity (units bought), kept in <see cref="InteractionLog.Quantities"/> for surfaces such as
    /// buy-again. It does not change the confidence; to count units, name it as <see cref="WeightColumn"/> too. A negative quantity is a
    /// return or a cancellation, as retail logs write them: the row is left out and counted in <see cref="LoadReport.Returns"/> (unless
    /// the column is also the weight, which must be 0 or more).</summary>
    /// <value>The default is <see langword="null"/>: the column <c>quantity</c> is used when the header has it, and a blank value there
    /// (a view has no quantity) is 1; otherwise 1. A column named here must have a number on every row.</value>
    public string? QuantityColumn { get; init; }

    /// <summary>Gets the column of an explicit rating, kept in <see cref="InteractionLog.Ratings"/> for rating trainers. The implicit
    /// trainer ignores it unless it is also the <see cref="WeightColumn"/>.</summary>
    /// <value>The default is <see langword="null"/>: the column <c>rating</c> is used when the header has it, and a blank value there is a
    /// missing rating (<see cref="float.NaN"/>, which <see cref="RatingMatrix.FromLog"/> refuses with its line). A column named here must have
    /// a number on every row.</value>
    public string? RatingColumn { get; init; }

    /// <summary>Gets the lowest allowed rating, a finite number; rows below it are rejected.</summary>
    /// <value>The default is <see langword="null"/>: no lower bound.</value>
    public float? MinRating { get; init; }

    /// <summary>Gets the highest allowed rating, a finite number; rows above it are rejected.</summary>
    /// <value>The default is <see langword="null"/>: no upper bound.</value>
    public float? MaxRating { get; init; }

    /// <summary>Gets the weight of each event type. Rows whose event type is not listed are rejected.</summary>
    /// <value>The default is <see cref="EventWeights.Default"/>: view=1, cart=4, purchase=10.</value>
    [Required]
    public EventWeights EventWeights { get; init; } = EventWeights.Default;

    /// <summary>Gets the longest accepted user or item id, in UTF-8 bytes after trimming. A row with a longer id is a bad row (see
    /// <see cref="BadRows"/>): such an id is almost always a misread column or a damaged file, and every id is kept in memory.</summary>
    /// <value>The default is 1,024 bytes.</value>
    [Range(1, int.MaxValue)]
    public int MaxIdLength { get; init; } = CsvInteractionReaderDefaults.MaxIdLength;

    /// <summary>Gets what happens to a row that cannot be accepted.</summary>
    /// <value>The default is <see cref="BadRowPolicy.Fail"/>: the first bad row throws <see cref="InteractionDataException"/>.</value>
    public BadRowPolicy BadRows { get; init; } = BadRowPolicy.Fail;

    /// <summary>Gets a callback that sees every rejected row under <see cref="BadRowPolicy.SkipAndReport"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<RejectedRow>? OnRejectedRow { get; init; }

    /// <summary>Gets how many rejected rows <see cref="LoadReport.RejectedRows"/> keeps; all are counted.</summary>
    /// <value>The default is 1000.</value>
    [Range(0, int.MaxValue)]
    public int MaxReportedRejections { get; init; } = CsvInteractionReaderDefaults.MaxReportedRejections;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TimeFormat is { } format && !TimeFormatRoundTrips(format))
        {
            yield return OptionsValidation.Error(nameof(TimeFormat), format,
                "is not a date and time format that reads back what it writes; use .NET custom format specifiers such as M/d/yyyy H:mm or dd.MM.yyyy HH:mm:ss.");
        }

        if (Delimiter is not null && (Delimiter.Length == 0 || Delimiter.Contains('\n') || Delimiter.Contains('\r') || Delimiter.Contains('"')))
        {
            yield return OptionsValidation.Error(nameof(Delimiter), Delimiter, "must be one or more characters other than quotes and line breaks.");
        }

        if (MinRating is { } lowest && !float.IsFinite(lowest))
        {
            yield return OptionsValidation.Error(nameof(MinRating), lowest, "must be a finite number (a bound of NaN or infinity would reject nothing).");
        }

        if (MaxRating is { } highest && !float.IsFinite(highest))
        {
            yield return OptionsValidation.Error(nameof(MaxRating), highest, "must be a finite number (a bound of NaN or infinity would reject nothing).");
        }

        if (MinRating is { } min && MaxRating is { } max && min > max)
        {
            yield return OptionsValidation.Error(nameof(MinRating), min, $"must not be more than MaxRating ({max.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }

        if (!HasHeader)
        {
            foreach (var (name, value) in new[] { (nameof(UserColumn), UserColumn), (nameof(ItemColumn), ItemColumn), (nameof(EventColumn), EventColumn), (nameof(TimeColumn), TimeColumn), (nameof(WeightColumn), WeightColumn), (nameof(QuantityColumn), QuantityColumn), (nameof(RatingColumn), RatingColumn) })
            {
                // The id columns' default names stand for their default positions (1 and 2); any other name has nothing to match.
                bool defaultName = (name == nameof(UserColumn) && value == CsvInteractionReaderDefaults.UserColumn)
                    || (name == nameof(ItemColumn) && value == CsvInteractionReaderDefaults.ItemColumn);
                if (value is not null && !defaultName && (!int.TryParse(value, out int position) || position < 1))
                {
                    yield return OptionsValidation.Error(name, value, "must be a 1-based column position such as 1, because the file has no header.");
                }
            }
        }
    }

    /// <summary>Whether a format writes a date that it reads back (a format of literal text alone, or one missing the year, does not).</summary>
    private static bool TimeFormatRoundTrips(string format)
    {
        var sample = new DateTimeOffset(2024, 11, 23, 17, 45, 30, TimeSpan.Zero);
        try
        {
            string text = sample.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
            return DateTimeOffset.TryParseExact(text, format, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset back)
                && back.Year == sample.Year && back.Month == sample.Month && back.Day == sample.Day;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>The documented defaults of <see cref="CsvInteractionReaderOptions"/>.</summary>
internal static class CsvInteractionReaderDefaults
{
    public const string UserColumn = "user_id";
    public const string ItemColumn = "item_id";
    public const string EventColumn = "event_type";
    public const string TimeColumn = "timestamp";
    public const string QuantityColumn = "quantity";
    public const string RatingColumn = "rating";
    public const int MaxReportedRejections = 1000;
    public const int MaxIdLength = 1024;
}
