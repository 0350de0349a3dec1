using System.Globalization;
using Microsoft.ML;

namespace Personalize.ML.Tests.ML;

/// <summary>Small planted data sets as ML.NET data views, from a fixed seed.</summary>
internal static class MLTestData
{
    public sealed class RatingRow
    {
        public string UserId { get; set; } = "";

        public string ItemId { get; set; } = "";

        public float Label { get; set; }
    }

    public sealed class EventRow
    {
        public string UserId { get; set; } = "";

        public string ItemId { get; set; } = "";

        public float Count { get; set; } = 1;
    }

    /// <summary>Ratings with planted taste: users like items of their own parity; 40 users, 30 items, about 60% rated.</summary>
    public static List<RatingRow> Ratings(int seed = 3, int users = 40, int items = 30)
    {
        var random = new Random(seed);
        var rows = new List<RatingRow>();
        for (int u = 0; u < users; u++)
        {
            for (int i = 0; i < items; i++)
            {
                if (random.NextDouble() < 0.6)
                {
                    float rating = (float)Math.Clamp(3 + (u % 2 == i % 2 ? 1 : -1) + random.NextDouble() - 0.5, 1, 5);
                    rows.Add(new RatingRow { UserId = $"u{u}", ItemId = $"i{i}", Label = MathF.Round(rating, 1) });
                }
            }
        }

        return rows;
    }

    /// <summary>Events in three taste groups: user u interacts mostly with items of group u % 3.</summary>
    public static List<EventRow> Events(int seed = 5, int users = 60)
    {
        var random = new Random(seed);
        var rows = new List<EventRow>();
        for (int u = 0; u < users; u++)
        {
            for (int e = 0; e < 8; e++)
            {
                rows.Add(new EventRow { UserId = $"u{u}", ItemId = $"i{(u % 3) * 10 + random.Next(10)}", Count = 1 + random.Next(3) });
            }
        }

        return rows;
    }

    /// <summary>Writes rows as a CSV file with a header.</summary>
    public static string WriteCsv(string path, IEnumerable<RatingRow> rows)
    {
        File.WriteAllLines(path, new[] { "user_id,item_id,rating" }.Concat(rows.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r.UserId},{r.ItemId},{r.Label}"))));
        return path;
    }

    /// <summary>A pipeline prefix that keys the id columns as <c>user_key</c> and <c>item_key</c>.</summary>
    public static IEstimator<ITransformer> KeyIds(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("user_key", "UserId").Append(ml.Transforms.Conversion.MapValueToKey("item_key", "ItemId"));
}
