using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Personalize.Core.Data;

/// <summary>
/// Turns an ML.NET key column into the caller's ids: key <c>k</c> (1-based; 0 is missing) is the <c>k</c>-th entry of the column's
/// <c>KeyValues</c> annotation (the original values, as <c>MapValueToKey</c> records them), or the number <c>k</c> as text when the
/// column has no such annotation.
/// </summary>
internal static class KeyValueIds
{
    /// <summary>The annotation in which ML.NET keeps the values behind a key column.</summary>
    public const string KeyValuesAnnotation = "KeyValues";

    /// <summary>The id of every key value, index <c>k - 1</c> for key <c>k</c>; <see langword="null"/> when the column has no key values.</summary>
    public static string[]? Read(DataViewSchema.Column column)
    {
        DataViewSchema.Column? annotation = column.Annotations.Schema.GetColumnOrNull(KeyValuesAnnotation);
        if (annotation is not { Type: VectorDataViewType vector })
        {
            return null;
        }

        DataViewType item = vector.ItemType;
        if (item is TextDataViewType)
        {
            return Values<ReadOnlyMemory<char>>(column, v => v.ToString());
        }

        if (item == NumberDataViewType.Int32)
        {
            return Values<int>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.Int64)
        {
            return Values<long>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.UInt32)
        {
            return Values<uint>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.UInt64)
        {
            return Values<ulong>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.Int16)
        {
            return Values<short>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.UInt16)
        {
            return Values<ushort>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.SByte)
        {
            return Values<sbyte>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.Byte)
        {
            return Values<byte>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.Single)
        {
            return Values<float>(column, v => v == MathF.Floor(v) && Math.Abs(v) < 1e15f
                ? ((long)v).ToString(CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.Double)
        {
            return Values<double>(column, Number);
        }

        if (item is BooleanDataViewType)
        {
            return Values<bool>(column, v => v ? "true" : "false");
        }

        if (item is DateTimeDataViewType)
        {
            return Values<DateTime>(column, v => v.ToString("o", CultureInfo.InvariantCulture));
        }

        if (item is DateTimeOffsetDataViewType)
        {
            return Values<DateTimeOffset>(column, v => v.ToString("o", CultureInfo.InvariantCulture));
        }

        if (item is TimeSpanDataViewType)
        {
            return Values<TimeSpan>(column, v => v.ToString("c", CultureInfo.InvariantCulture));
        }

        // Taking the key numbers for ids would give ids that another data view numbers differently: say so instead.
        throw new ArgumentException($"The key values of column '{column.Name}' are of type {item}, which cannot be the model's ids; "
            + "map a text or numeric column to keys (MapValueToKey).", nameof(column));
    }

    /// <summary>A number as its id: a whole number as digits (1000000000, as the caller wrote it, not 1E+09), others as the shortest text
    /// that reads back as the same value.</summary>
    private static string Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The index in <paramref name="ids"/> of every key of the column (entry 0, the missing key, and unknown ids are -1), or
    /// <see langword="null"/> when the column has no key values. Text key values are looked up as spans, without a string each.
    /// </summary>
    public static int[]? MapToIndices(DataViewSchema.Column column, IdMap ids)
    {
        DataViewSchema.Column? annotation = column.Annotations.Schema.GetColumnOrNull(KeyValuesAnnotation);
        if (annotation is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            column.Annotations.GetValue(KeyValuesAnnotation, ref buffer);
            var map = new int[buffer.Length + 1];
            map[0] = -1;
            int k = 1;
            foreach (ReadOnlyMemory<char> value in buffer.DenseValues())
            {
                map[k++] = ids.TryGetIndex(value.Span, out int index) ? index : -1;
            }

            return map;
        }

        if (Read(column) is not { } values)
        {
            return null;
        }

        var mapped = new int[values.Length + 1];
        mapped[0] = -1;
        for (int k = 1; k <= values.Length; k++)
        {
            mapped[k] = ids.TryGetIndex(values[k - 1], out int index) ? index : -1;
        }

        return mapped;
    }

    private static string[] Values<T>(DataViewSchema.Column column, Func<T, string> format)
    {
        VBuffer<T> buffer = default;
        column.Annotations.GetValue(KeyValuesAnnotation, ref buffer);
        var ids = new string[buffer.Length];
        int i = 0;
        foreach (T value in buffer.DenseValues())
        {
            ids[i++] = format(value);
        }

        return ids;
    }
}
