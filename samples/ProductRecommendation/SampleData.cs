using System.Globalization;

namespace ProductRecommendation;

/// <summary>Not part of the sample: writes its tab-separated co-purchase file (ProductID, ProductID_Copurchased, numeric ids: I0063 →
/// 63) from the purchases in the bundled samples/data/events.csv: each pair of distinct items bought by the same person, both ways.</summary>
internal static class SampleData
{
    public static void WriteCoPurchases(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bought = new Dictionary<string, SortedSet<int>>();
        foreach (string line in File.ReadLines(Personalize.SampleSupport.RepositoryFiles.Find(Path.Combine("samples", "data", "events.csv"))).Skip(1))
        {
            string[] f = line.Split(',');
            if (f[2] == "purchase")
            {
                if (!bought.TryGetValue(f[0], out SortedSet<int>? items))
                {
                    bought[f[0]] = items = [];
                }

                items.Add(int.Parse(f[1].AsSpan(1), CultureInfo.InvariantCulture));
            }
        }

        using var writer = new StreamWriter(path);
        writer.WriteLine("ProductID\tProductID_Copurchased");
        foreach (SortedSet<int> items in bought.Values)
        {
            foreach (int a in items)
            {
                foreach (int b in items)
                {
                    if (a != b)
                    {
                        writer.WriteLine($"{a}\t{b}");
                    }
                }
            }
        }
    }
}
