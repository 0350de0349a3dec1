using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Internal;

namespace Personalize.Core.Data;

/// <summary>Reads an ML.NET <see cref="IDataView"/> into an <see cref="InteractionLog"/>, accounting for every row as the CSV reader does.</summary>
/// <remarks>
/// Ids may be text, keys or integers. A key column made by <c>MapValueToKey</c> is read as its original values (its <c>KeyValues</c>
/// annotation), so the model's ids are the caller's; a key without key values is read as its number. A missing id (empty text, key 0),
/// a bad weight or a missing rating rejects the row; rows are numbered from 1 in reports.
/// A reader is immutable and thread-safe.
/// </remarks>
public sealed class DataViewInteractionReader
{
    /// <summary>Creates a reader.</summary>
    /// <param name="options">The columns; <see langword="null"/> for the defaults.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public DataViewInteractionReader(DataViewInteractionReaderOptions? options = null)
    {
        Options = options ?? new DataViewInteractionReaderOptions();
        OptionsValidation.ThrowIfInvalid(Options, nameof(DataViewInteractionReaderOptions));
    }

    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>Gets the options.</summary>
    public DataViewInteractionReaderOptions Options { get; }

    /// <summary>Reads every row of the data view.</summary>
    /// <param name="data">The data.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The log and its report.</returns>
    /// <exception cref="ArgumentException">A named column is missing or has a type that cannot be read; the message names the column and the expected types.</exception>
    /// <exception cref="InteractionDataException">A row is bad under <see cref="BadRowPolicy.Fail"/>.</exception>
    public InteractionLog Read(IDataView data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        long started = Stopwatch.GetTimestamp();
        const string Source = "(IDataView)";
        DataViewSchema schema = data.Schema;
        DataViewSchema.Column user = Column(schema, Options.UserColumnName, IsId, "text, a key or an integer");
        DataViewSchema.Column item = Column(schema, Options.ItemColumnName, IsId, "text, a key or an integer");
        DataViewSchema.Column? eventColumn = Options.EventColumnName is null ? null : Column(schema, Options.EventColumnName, t => t is TextDataViewType, "text");
        DataViewSchema.Column? time = Options.TimestampColumnName is null ? null
            : Column(schema, Options.TimestampColumnName, t => t is DateTimeDataViewType or DateTimeOffsetDataViewType || IsNumber(t), "DateTime, DateTimeOffset or Unix seconds");
        DataViewSchema.Column? weight = Options.WeightColumnName is null ? null : Column(schema, Options.WeightColumnName, IsNumber, "a number");
        DataViewSchema.Column? rating = Options.RatingColumnName is null ? null : Column(schema, Options.RatingColumnName, IsNumber, "a number");

        var columns = new List<DataViewSchema.Column> { user, item };
        foreach (DataViewSchema.Column? c in new[] { eventColumn, time, weight, rating })
        {
            if (c is { } column)
            {
                columns.Add(column);
            }
        }

        var accepted = new List<Interaction>(1024);
        var rejectedRows = new List<RejectedRow>();
        long rejected = 0, rowNumber = 0;

        using DataViewRowCursor cursor = data.GetRowCursor(columns);
        Func<string?> userGetter = IdGetter(cursor, user), itemGetter = IdGetter(cursor, item);
        ValueGetter<ReadOnlyMemory<char>>? eventGetter = eventColumn is { } ec ? cursor.GetGetter<ReadOnlyMemory<char>>(ec) : null;
        Func<long?>? timeGetter = time is { } tc ? TimeGetter(cursor, tc) : null;
        Func<double>? weightGetter = weight is { } wc ? NumberGetter(cursor, wc) : null;
        Func<double>? ratingGetter = rating is { } rc ? NumberGetter(cursor, rc) : null;
        ReadOnlyMemory<char> eventText = default;

        while (cursor.MoveNext())
        {
            rowNumber++;
            if ((rowNumber & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            string? reason = null, column = null;
            string? userId = userGetter(), itemId = itemGetter();
            string? eventType = null;
            long timestamp = 0;
            float value = 1f;
            if (string.IsNullOrWhiteSpace(userId))
            {
                (column, reason) = (user.Name, "the user id is missing.");
            }
            else if (string.IsNullOrWhiteSpace(itemId))
            {
                (column, reason) = (item.Name, "the item id is missing.");
            }

            if (reason is null && eventGetter is not null)
            {
                eventGetter(ref eventText);
                int found = Options.EventWeights.IndexOf(eventText.Span);
                if (found < 0)
                {
                    (column, reason) = (eventColumn!.Value.Name, $"'{eventText}' is not a known event type; expected one of {string.Join(", ", Options.EventWeights.Names)}.");
                }

                eventType = found < 0 ? null : Options.EventWeights.Names[found];
            }

            if (reason is null && timeGetter is not null)
            {
                if (timeGetter() is { } t)
                {
                    timestamp = t;
                    if (t < MinUnixSeconds || t > MaxUnixSeconds)
                    {
                        (column, reason) = (time!.Value.Name,
                            $"{t.ToString(CultureInfo.InvariantCulture)} is not a Unix time in seconds (expected {MinUnixSeconds} to {MaxUnixSeconds}).");
                    }
                }
                else
                {
                    (column, reason) = (time!.Value.Name, "the timestamp is missing.");
                }
            }

            if (reason is null && weightGetter is not null)
            {
                double w = weightGetter();
                if (!double.IsFinite(w) || w < 0 || !float.IsFinite((float)w))
                {
                    (column, reason) = (weight!.Value.Name, $"{w.ToString(CultureInfo.InvariantCulture)} is not a weight (expected a finite number, 0 or more, within float's range).");
                }

                value = (float)w;
            }

            float ratingValue = 0;
            if (reason is null && ratingGetter is not null)
            {
                double r = ratingGetter();
                if (!double.IsFinite(r) || !float.IsFinite((float)r))
                {
                    (column, reason) = (rating!.Value.Name, $"{r.ToString(CultureInfo.InvariantCulture)} is not a rating (expected a finite number within float's range).");
                }

                ratingValue = (float)r;
            }

            if (reason is not null)
            {
                int columnNumber = column is null ? 0 : schema[column].Index + 1;
                if (Options.BadRows == BadRowPolicy.Fail)
                {
                    throw new InteractionDataException(Source, rowNumber, columnNumber, column, $"column '{column}': {reason}");
                }

                rejected++;
                if (rejectedRows.Count < Options.MaxReportedRejections)
                {
                    rejectedRows.Add(new RejectedRow(Source, rowNumber, columnNumber, column, $"column '{column}': {reason}", ""));
                }

                continue;
            }

            accepted.Add(new Interaction(userId!, itemId!, eventType, timeGetter is null ? null : DateTimeOffset.FromUnixTimeSeconds(timestamp), value,
                Rating: ratingGetter is null ? null : ratingValue));
        }

        var report = new LoadReport(Source, accepted.Count, rejected, rejectedRows, Stopwatch.GetElapsedTime(started));
        return InteractionLog.Create(accepted, eventGetter is null ? null : Options.EventWeights, report);
    }

    private static bool IsId(DataViewType type) => type is TextDataViewType || (type is KeyDataViewType key && key.RawType == typeof(uint)) || type == NumberDataViewType.Int32
        || type == NumberDataViewType.Int64 || type == NumberDataViewType.UInt32 || type == NumberDataViewType.UInt64;

    private static bool IsNumber(DataViewType type) => Personalize.Core.ML.PersonalizationColumns.IsNumber(type);   // as the estimators check

    private static DataViewSchema.Column Column(DataViewSchema schema, string name, Func<DataViewType, bool> accepts, string expected)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The data view has no column '{name}'; its columns are: {string.Join(", ", schema.Select(c => c.Name))}.", nameof(name));
        if (!accepts(column.Type))
        {
            throw new ArgumentException($"Column '{name}' should be {expected}, but is instead {column.Type}.", nameof(name));
        }

        return column;
    }

    private static Func<string?> IdGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case TextDataViewType:
            {
                ValueGetter<ReadOnlyMemory<char>> getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
                ReadOnlyMemory<char> value = default;
                return () =>
                {
                    getter(ref value);
                    return value.IsEmpty ? null : value.ToString();
                };
            }

            case KeyDataViewType key when key.RawType == typeof(uint):
            {
                ValueGetter<uint> getter = cursor.GetGetter<uint>(column);
                string[]? keyValues = KeyValueIds.Read(column);
                uint value = 0;
                return () =>
                {
                    getter(ref value);
                    if (value == 0)
                    {
                        return null;
                    }

                    if (keyValues is null)
                    {
                        return value.ToString(CultureInfo.InvariantCulture);
                    }

                    return value <= keyValues.Length ? keyValues[value - 1] : null;
                };
            }

            default:
                return IntegerIdGetter(cursor, column);
        }
    }

    /// <summary>An integer id written exactly (a 64-bit id does not fit a double: 1234567890123456789 and 1234567890123456790 would
    /// become one id).</summary>
    private static Func<string?> IntegerIdGetter(DataViewRowCursor cursor, DataViewSchema.Column column) =>
        column.Type == NumberDataViewType.Int32 ? Read(cursor, column, (int v) => v.ToString(CultureInfo.InvariantCulture))
        : column.Type == NumberDataViewType.UInt32 ? Read(cursor, column, (uint v) => v.ToString(CultureInfo.InvariantCulture))
        : column.Type == NumberDataViewType.UInt64 ? Read(cursor, column, (ulong v) => v.ToString(CultureInfo.InvariantCulture))
        : Read<long, string?>(cursor, column, v => v.ToString(CultureInfo.InvariantCulture));

    private static Func<double> NumberGetter(DataViewRowCursor cursor, DataViewSchema.Column column) =>
        column.Type == NumberDataViewType.Single ? Read(cursor, column, (float v) => (double)v)
        : column.Type == NumberDataViewType.Double ? Read(cursor, column, (double v) => v)
        : column.Type == NumberDataViewType.Int32 ? Read(cursor, column, (int v) => (double)v)
        : column.Type == NumberDataViewType.UInt32 ? Read(cursor, column, (uint v) => (double)v)
        : column.Type == NumberDataViewType.UInt64 ? Read(cursor, column, (ulong v) => (double)v)
        : Read(cursor, column, (long v) => (double)v);

    /// <summary>A reader of the current row's value of a column of raw type <typeparamref name="T"/>, converted.</summary>
    private static Func<TResult> Read<T, TResult>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, TResult> convert)
    {
        ValueGetter<T> getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return convert(value);
        };
    }

    private static Func<long?> TimeGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is DateTimeDataViewType)
        {
            ValueGetter<DateTime> getter = cursor.GetGetter<DateTime>(column);
            DateTime value = default;
            return () =>
            {
                getter(ref value);
                return new DateTimeOffset(DateTime.SpecifyKind(value, value.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : value.Kind)).ToUnixTimeSeconds();
            };
        }

        if (column.Type is DateTimeOffsetDataViewType)
        {
            ValueGetter<DateTimeOffset> getter = cursor.GetGetter<DateTimeOffset>(column);
            DateTimeOffset value = default;
            return () =>
            {
                getter(ref value);
                return value.ToUnixTimeSeconds();
            };
        }

        Func<double> number = NumberGetter(cursor, column);
        return () =>
        {
            double seconds = number();
            return double.IsFinite(seconds) ? (long)seconds : null;
        };
    }
}
