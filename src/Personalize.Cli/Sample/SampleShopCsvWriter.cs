using System.Globalization;
using System.Text;
using static Personalize.Cli.Sample.SampleShopGenerator;
using static Personalize.Cli.Sample.SampleShopTables;

namespace Personalize.Cli.Sample;

/// <summary>Writes the sample shop's CSV files: UTF-8 without BOM, <c>\n</c> line endings, invariant culture.</summary>
internal static class SampleShopCsvWriter
{
    /// <summary>Writes <c>items.csv</c>.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="catalog">The catalog.</param>
    /// <param name="itemIds">Item id strings.</param>
    /// <returns>Bytes written.</returns>
    internal static long WriteItems(string path, ShopCatalog catalog, string[] itemIds)
    {
        using (StreamWriter writer = CreateWriter(path))
        {
            writer.Write(ItemsHeader);
            writer.Write('\n');
            for (int i = 0; i < catalog.Items.Length; i++)
            {
                ItemSpec item = catalog.Items[i];
                writer.Write(itemIds[i]);
                writer.Write(',');
                writer.Write(CsvField(item.Title));
                writer.Write(',');
                writer.Write(CsvField(Brands[item.Brand]));
                writer.Write(',');
                writer.Write(CsvField(Categories[item.Category].Path));
                writer.Write(',');
                writer.Write(item.Price.ToString("0.00", CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(item.Rating.ToString("0.0", CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(item.RatingCount.ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(item.InStock ? "true" : "false");
                writer.Write(',');
                writer.Write(FormatTimestamp(item.AddedAt));
                writer.Write(',');
                writer.Write(CsvField(item.Tags));
                writer.Write('\n');
            }
        }

        return new FileInfo(path).Length;
    }

    /// <summary>Writes <c>events.csv</c>.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="events">Sorted events.</param>
    /// <param name="userIds">User id strings.</param>
    /// <param name="itemIds">Item id strings.</param>
    /// <returns>Bytes written.</returns>
    internal static long WriteEvents(string path, List<ShopEvent> events, string[] userIds, string[] itemIds)
    {
        using (StreamWriter writer = CreateWriter(path))
        {
            writer.Write(EventsHeader);
            writer.Write('\n');
            long cachedSecond = long.MinValue;
            string cachedStamp = string.Empty;
            foreach (ShopEvent e in events)
            {
                if (e.Timestamp != cachedSecond)
                {
                    cachedSecond = e.Timestamp;
                    cachedStamp = FormatTimestamp(e.Timestamp);
                }

                writer.Write(userIds[e.User]);
                writer.Write(',');
                writer.Write(itemIds[e.Item]);
                writer.Write(',');
                writer.Write(e.Kind == EventKind.View ? "view" : e.Kind == EventKind.Cart ? "cart" : "purchase");
                writer.Write(',');
                writer.Write(cachedStamp);
                writer.Write(',');
                writer.Write(e.Quantity.ToString(CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }

        return new FileInfo(path).Length;
    }

    /// <summary>Writes <c>ratings.csv</c>.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="ratings">Ratings sorted by user, then item.</param>
    /// <param name="userIds">User id strings.</param>
    /// <param name="itemIds">Item id strings.</param>
    /// <returns>Bytes written.</returns>
    internal static long WriteRatings(string path, List<ShopRating> ratings, string[] userIds, string[] itemIds)
    {
        using (StreamWriter writer = CreateWriter(path))
        {
            writer.Write(RatingsHeader);
            writer.Write('\n');
            foreach (ShopRating r in ratings)
            {
                writer.Write(userIds[r.User]);
                writer.Write(',');
                writer.Write(itemIds[r.Item]);
                writer.Write(',');
                writer.Write((r.Tenths / 10).ToString(CultureInfo.InvariantCulture));
                writer.Write('.');
                writer.Write((r.Tenths % 10).ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(r.Timestamp.ToString(CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }

        return new FileInfo(path).Length;
    }

    /// <summary>Opens a UTF-8 (no BOM) writer that replaces <paramref name="path"/>.</summary>
    /// <param name="path">Target file.</param>
    /// <returns>The writer.</returns>
    private static StreamWriter CreateWriter(string path)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
    }

    /// <summary>Quotes a CSV field per RFC 4180 when it contains a comma, quote or line break.</summary>
    /// <param name="value">Raw field.</param>
    /// <returns>The field as written.</returns>
    private static string CsvField(string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Formats Unix seconds as <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    /// <param name="unixSeconds">Unix seconds.</param>
    /// <returns>ISO 8601 UTC text.</returns>
    private static string FormatTimestamp(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Ids <c>P0001</c> ... with at least four digits.</summary>
    /// <param name="prefix">Id prefix.</param>
    /// <param name="count">Number of ids.</param>
    /// <returns>The ids.</returns>
    internal static string[] MakeIds(char prefix, int count)
    {
        int width = Math.Max(4, count.ToString(CultureInfo.InvariantCulture).Length);
        string format = "D" + width.ToString(CultureInfo.InvariantCulture);
        var ids = new string[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = prefix + (i + 1).ToString(format, CultureInfo.InvariantCulture);
        }

        return ids;
    }
}
