using System.Globalization;

namespace MovieRecommendation;

/// <summary>Not part of the tutorial: writes its two files (userId,movieId,rating,timestamp with numeric ids) from the bundled
/// samples/data/ratings.csv (U0006 → 6, I0010 → 10), 80 % to training and 20 % to test by a fixed hash of the pair.</summary>
internal static class SampleData
{
    public static void WriteTutorialFiles(string folder)
    {
        Directory.CreateDirectory(folder);
        string source = Personalize.SampleSupport.RepositoryFiles.Find(Path.Combine("samples", "data", "ratings.csv"));
        using var train = new StreamWriter(Path.Combine(folder, "recommendation-ratings-train.csv"));
        using var test = new StreamWriter(Path.Combine(folder, "recommendation-ratings-test.csv"));
        train.WriteLine("userId,movieId,rating,timestamp");
        test.WriteLine("userId,movieId,rating,timestamp");
        foreach (string line in File.ReadLines(source).Skip(1))
        {
            string[] f = line.Split(',');
            int user = int.Parse(f[0].AsSpan(1), CultureInfo.InvariantCulture), item = int.Parse(f[1].AsSpan(1), CultureInfo.InvariantCulture);
            string row = $"{user},{item},{f[2]},{f[3]}";
            ((uint)(user * 7919 + item * 104729) % 5 == 0 ? test : train).WriteLine(row);
        }
    }
}
