using Personalize.Core.Data;
using Personalize.Core.Evaluation;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>Small planted data sets for hyperparameter search tests, split into training and validation parts.</summary>
internal static class SearchData
{
    /// <summary>Implicit feedback: 80 users in 4 groups, each mostly on its own block of 10 of 40 items; a fifth of each user's rows held out.</summary>
    public static (FeedbackMatrix Train, InteractionLog Validation) Implicit(int seed = 1)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < 80; u++)
        {
            int group = u % 4;
            for (int e = 0; e < 10; e++)
            {
                int item = random.NextDouble() < 0.9 ? group * 10 + random.Next(10) : random.Next(40);
                rows.Add(new Interaction($"u{u}", $"i{item}"));
            }
        }

        LogSplit split = TrainTestSplit.PerUser(InteractionLog.Create(rows), 0.2, seed);
        return (FeedbackMatrix.FromLog(split.Train), split.Test);
    }

    /// <summary>Explicit ratings: 40 users × 30 items, about 60 % rated, users liking items of their own parity (rank-1 taste plus noise);
    /// a fifth of each user's ratings held out.</summary>
    public static (RatingMatrix Train, InteractionLog Validation) Explicit(int seed = 3)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < 40; u++)
        {
            for (int i = 0; i < 30; i++)
            {
                if (random.NextDouble() < 0.6)
                {
                    double rating = Math.Clamp(3 + (u % 2 == i % 2 ? 1 : -1) + (random.NextDouble() - 0.5) * 0.5, 1, 5);
                    rows.Add(new Interaction($"u{u}", $"i{i}", Rating: (float)rating));
                }
            }
        }

        LogSplit split = TrainTestSplit.PerUser(InteractionLog.Create(rows), 0.2, seed);
        return (RatingMatrix.FromLog(split.Train), split.Test);
    }
}
