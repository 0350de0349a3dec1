using System.Globalization;
using System.Text;
using System.Text.Json;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;
using Personalize.Search;
using Spectre.Console;

namespace Personalize.Cli.Commands;

/// <summary>
/// <c>personalize evaluate --protocol search</c>: for each held-out purchase, a one-word query from the item's title (the title word that
/// the most catalogue titles share, brand words and numbers left out); the metric is the purchased item's reciprocal rank in the top 50
/// (MRR@50) of each ordering of that query's matches, all in the same run.
/// </summary>
internal static class SearchProtocol
{
    public const int Depth = 50;

    /// <summary>One query of the protocol: who, which word, which item was bought.</summary>
    internal readonly record struct Probe(string UserId, string Query, string ItemId);

    /// <summary>The orderings compared, with their MRR@50, and how many purchases were probed.</summary>
    internal sealed record Outcome(List<(string Name, double Mrr)> Rows, int Probes, int KnownUsers, int Skipped, float Weight);

    public static int Run(EvaluateCommand.Settings settings, LogSplit split)
    {
        if (settings.Items is null)
        {
            throw new UsageException("--protocol search needs --items: the catalogue whose titles give the queries.");
        }

        IReadOnlyList<float> weights = ParseWeights(settings.BlendWeights);
        ItemCatalog catalog = CatalogReading.Read(settings.Items, settings.Schema, settings.ItemsIdCol);
        (List<Probe> probes, int unusable) = Probes(catalog, split.Test);
        if (probes.Count == 0)
        {
            // Every MRR would be NaN (and the JSON writer refuses NaN): nothing to measure, said before training.
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--protocol search: no held-out row could be a query ({split.Test.Count:N0} test rows; {unusable:N0} purchases skipped, their item not in the catalogue or without a title word): it probes the purchases (event type 'purchase', or every row of a log without event types) of items {settings.Items} has, by a word of their title."));
        }

        CancellationToken token = CliCancellation.Token;
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(split.Train, new FeedbackOptions());
        ImplicitAlsTrainer trainer = TrainCommand.ImplicitTrainerFor(settings, split.Train, new FeedbackOptions(), token).Trainer;
        FactorModel model = TrainCommand.WithFallback(settings, split.Train, trainer.Fit(feedback, null, null, token), token);
        Outcome outcome = Evaluate(catalog, model, split.Test, new RankOptions().PersonalizationWeight, weights, token);
        Print(outcome, settings);
        string outPath = settings.Out ?? "evaluation.json";
        OutputFile.Write(outPath, Json(outcome, split));
        CliConsole.Out.WriteLine($"Wrote {outPath}.");
        return CliApp.Success;
    }

    /// <summary>Measures every ordering on the held-out purchases.</summary>
    public static Outcome Evaluate(ItemCatalog catalog, FactorModel model, InteractionLog test, float weight, IReadOnlyList<float> extraWeights,
        CancellationToken token)
    {
        (List<Probe> probes, int skipped) = Probes(catalog, test);
        using CatalogSearchIndex index = CatalogSearchIndex.Build(catalog);
        using var recommender = new Recommender(model);
        var personalized = new List<(string Name, ProductSearch Search)>();
        foreach (float w in extraWeights.Prepend(weight).Distinct())
        {
            // The shortest text that reads back as w: "0.##" gave 0.001 and 0.004 one name, and the JSON two members of that name.
            personalized.Add(($"personalized (w = {w.ToString(CultureInfo.InvariantCulture)})",
                new ProductSearch(index, recommender, rankOptions: new RankOptions { PersonalizationWeight = w })));
        }

        var anonymous = new ProductSearch(index, recommender);
        string[] names = ["text relevance alone", "text, ties by popularity (the anonymous order)",
            $"text + popularity (blend w = {weight.ToString("0.##", CultureInfo.InvariantCulture)})", "your history first, then popularity",
            .. personalized.Select(p => p.Name)];
        var sums = new double[names.Length];
        ReadOnlySpan<float> popularity = model.ItemPopularity;
        int knownUsers = 0;
        foreach (Probe probe in probes)
        {
            token.ThrowIfCancellationRequested();
            IReadOnlyList<RankCandidate> candidates = index.Match(probe.Query).Candidates;
            var pop = new float[candidates.Count];
            var seen = new bool[candidates.Count];
            bool known = model.Users.TryGetIndex(probe.UserId, out int user);
            knownUsers += known ? 1 : 0;
            ReadOnlySpan<int> history = known ? model.GetSeenItems(user) : default;
            for (int c = 0; c < candidates.Count; c++)
            {
                if (model.Items.TryGetIndex(candidates[c].ItemId, out int m))
                {
                    pop[c] = popularity[m];
                    seen[c] = history.Contains(m);
                }
            }

            float[] text = Normalized([.. candidates.Select(c => c.Score)]);
            float[] normalizedPop = Normalized(pop);
            int s = 0;
            sums[s++] += Reciprocal(Order(candidates.Count, (a, b) => text[b].CompareTo(text[a])), candidates, probe.ItemId);
            sums[s++] += Reciprocal(anonymous.Search(new SearchRequest(probe.Query) { PageSize = Depth }).Page.Select(r => r.ItemId), probe.ItemId);
            float[] blend = [.. text.Select((t, i) => ((1 - weight) * t) + (weight * normalizedPop[i]))];
            sums[s++] += Reciprocal(Order(candidates.Count, (a, b) => blend[b].CompareTo(blend[a])), candidates, probe.ItemId);
            sums[s++] += Reciprocal(Order(candidates.Count, (a, b) =>
            {
                int c = seen[b].CompareTo(seen[a]);
                c = c != 0 ? c : pop[b].CompareTo(pop[a]);
                return c != 0 ? c : text[b].CompareTo(text[a]);
            }), candidates, probe.ItemId);
            foreach ((_, ProductSearch search) in personalized)
            {
                sums[s++] += Reciprocal(search.Search(new SearchRequest(probe.Query) { UserId = probe.UserId, PageSize = Depth }).Page.Select(r => r.ItemId), probe.ItemId);
            }
        }

        var rows = names.Select((n, i) => (n, probes.Count == 0 ? double.NaN : sums[i] / probes.Count)).ToList();
        return new Outcome(rows, probes.Count, knownUsers, skipped, weight);
    }

    /// <summary>The held-out purchases (every row when the log has no event types) whose item the catalogue has, each with its query
    /// word; rows without a usable title word are counted as skipped.</summary>
    public static (List<Probe> Probes, int Skipped) Probes(ItemCatalog catalog, InteractionLog test)
    {
        Dictionary<string, int> titles = TitleWordFrequency(catalog, out HashSet<string> brandWords);
        int purchase = test.EventTypes?.IndexOf("purchase") ?? -1;
        var probes = new List<Probe>();
        var words = new Dictionary<int, string?>();
        int skipped = 0;
        for (int row = 0; row < test.Count; row++)
        {
            if (test.EventTypes is not null && test.EventTypeIndices[row] != purchase)
            {
                continue;
            }

            string itemId = test.Items.GetId(test.ItemIndices[row]);
            int item = catalog.GetIndex(itemId);
            string? word = null;
            if (item >= 0 && !words.TryGetValue(item, out word))
            {
                words[item] = word = QueryWord(catalog.GetText(item, "title"), titles, brandWords);
            }

            if (word is null)
            {
                skipped++;
                continue;
            }

            probes.Add(new Probe(test.Users.GetId(test.UserIndices[row]), word, itemId));
        }

        return (probes, skipped);
    }

    /// <summary>The word of a title that the most catalogue titles contain (ties: the earlier word); null when it has none.</summary>
    public static string? QueryWord(string? title, Dictionary<string, int> frequency, HashSet<string> brandWords)
    {
        string? best = null;
        int bestCount = 0;
        foreach (string word in Words(title))
        {
            if (!brandWords.Contains(word) && frequency.TryGetValue(word, out int count) && count > bestCount)
            {
                (best, bestCount) = (word, count);
            }
        }

        return best;
    }

    /// <summary>In how many titles each word occurs (lower case, letters only, 3 letters or more), and the words of brand names.</summary>
    public static Dictionary<string, int> TitleWordFrequency(ItemCatalog catalog, out HashSet<string> brandWords)
    {
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        brandWords = new HashSet<string>(StringComparer.Ordinal);
        bool hasBrand = catalog.Schema.TryGetType("brand", out _);
        for (int i = 0; i < catalog.Count; i++)
        {
            foreach (string word in Words(catalog.GetText(i, "title")).Distinct())
            {
                frequency[word] = frequency.GetValueOrDefault(word) + 1;
            }

            if (hasBrand)
            {
                brandWords.UnionWith(Words(catalog.GetText(i, "brand")));
            }
        }

        return frequency;
    }

    private static IEnumerable<string> Words(string? text)
    {
        if (text is null)
        {
            yield break;
        }

        foreach (string part in text.Split(static c => !char.IsLetter(c)))
        {
            if (part.Length >= 3)
            {
                yield return part.ToLowerInvariant();
            }
        }
    }

    private static string[] Split(this string text, Func<char, bool> separator)
    {
        var parts = new List<string>();
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || separator(text[i]))
            {
                if (i > start)
                {
                    parts.Add(text[start..i]);
                }

                start = i + 1;
            }
        }

        return [.. parts];
    }

    private static float[] Normalized(float[] values)
    {
        if (values.Length == 0)
        {
            return values;
        }

        float min = values.Min(), max = values.Max();
        return [.. values.Select(v => max > min ? (v - min) / (max - min) : 1f)];
    }

    /// <summary>Candidate positions sorted by a comparison, ties in candidate order.</summary>
    private static int[] Order(int count, Comparison<int> compare)
    {
        int[] order = [.. Enumerable.Range(0, count)];
        Array.Sort(order, (a, b) =>
        {
            int c = compare(a, b);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    private static double Reciprocal(int[] order, IReadOnlyList<RankCandidate> candidates, string itemId) =>
        Reciprocal(order.Select(i => candidates[i].ItemId), itemId);

    private static double Reciprocal(IEnumerable<string> ranked, string itemId)
    {
        int rank = 1;
        foreach (string id in ranked.Take(Depth))
        {
            if (id == itemId)
            {
                return 1.0 / rank;
            }

            rank++;
        }

        return 0;
    }

    private static List<float> ParseWeights(string? text)
    {
        var weights = new List<float>();
        if (text is null)
        {
            return weights;
        }

        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float w) || !(w >= 0 && w <= 1))
            {
                throw new UsageException($"--blend-weights: '{part}' is not a weight between 0 and 1.");
            }

            weights.Add(w);
        }

        return weights;
    }

    private static void Print(Outcome outcome, EvaluateCommand.Settings settings)
    {
        var table = new Table().Title($"Search protocol: MRR@{Depth} of the purchased item for a one-word query from its title")
            .AddColumns("ordering", $"MRR@{Depth}");
        table.Border(TableBorder.Rounded);
        foreach ((string name, double mrr) in outcome.Rows)
        {
            table.AddRow(Markup.Escape(name), mrr.ToString("F4", CultureInfo.InvariantCulture));
        }

        CliConsole.Out.Write(table);
        CliConsole.Out.WriteLine($"w = {outcome.Weight.ToString("0.##", CultureInfo.InvariantCulture)} is the default RankOptions.PersonalizationWeight.");
        CliConsole.Out.WriteLine($"{outcome.Probes:N0} held-out purchases probed ({outcome.KnownUsers:N0} by users the model knows); {outcome.Skipped:N0} skipped (item not in the catalogue or no title word).");
    }

    private static string Json(Outcome outcome, LogSplit split)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("protocol", "search");
            writer.WriteNumber("depth", Depth);
            writer.WriteNumber("train_rows", split.Train.Count);
            writer.WriteNumber("test_rows", split.Test.Count);
            writer.WriteNumber("probes", outcome.Probes);
            writer.WriteNumber("probes_known_users", outcome.KnownUsers);
            writer.WriteNumber("skipped", outcome.Skipped);
            writer.WriteStartObject("mrr");
            foreach ((string name, double mrr) in outcome.Rows)
            {
                writer.WriteNumber(name, mrr);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
