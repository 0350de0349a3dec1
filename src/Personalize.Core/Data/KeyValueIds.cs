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

        if (item == NumberDataViewType.Single)
        {
            return Values<float>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        if (item == NumberDataViewType.Double)
        {
            return Values<double>(column, v => v.ToString(CultureInfo.InvariantCulture));
        }

        return null;
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
