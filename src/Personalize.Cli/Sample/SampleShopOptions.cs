using System.Globalization;

namespace Personalize.Cli.Sample;

/// <summary>
/// Parameters of the synthetic sample shop written by <see cref="SampleShopGenerator"/>.
/// The defaults produce the data set checked in under <c>samples/data</c>; the same options always
/// produce byte-identical files.
/// </summary>
internal sealed record SampleShopOptions
{
    /// <summary>Largest accepted number of users or items.</summary>
    internal const int MaxEntities = 1_000_000;

    /// <summary>Largest accepted event target.</summary>
    internal const int MaxEvents = 50_000_000;

    /// <summary>Largest accepted rank of the planted rating model.</summary>
    internal const int MaxRatingRank = 64;

    /// <summary>Master seed; every random stream of the generator is derived from it.</summary>
    public int Seed { get; init; } = 20261125;

    /// <summary>Number of users in the user id space (<c>U0001</c> ...).</summary>
    public int Users { get; init; } = 5000;

    /// <summary>Number of catalog items (<c>I0001</c> ...).</summary>
    public int Items { get; init; } = 2000;

    /// <summary>Approximate number of rows of <c>events.csv</c> (the result lands within a few percent).</summary>
    public int TargetEvents { get; init; } = 93_000;

    /// <summary>Length of the event window in days; events fall in <c>[End - Days, End)</c>.</summary>
    public int Days { get; init; } = 90;

    /// <summary>Exclusive end of the event window (normalised to UTC, truncated to whole seconds).</summary>
    public DateTimeOffset End { get; init; } = new(2026, 10, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Number of users (the first ones of the user id space) who write explicit ratings.</summary>
    public int RatingUsers { get; init; } = 240;

    /// <summary>Number of items (the first ones of the catalogue) that receive explicit ratings; dense enough that a rank-4 model can
    /// be recovered close to the noise level.</summary>
    public int RatingItems { get; init; } = 240;

    /// <summary>Mean number of ratings per rating user (each user writes between half and one and a half times this many).</summary>
    public int RatingsPerUser { get; init; } = 150;

    /// <summary>Standard deviation of the Gaussian noise added to every planted rating.</summary>
    public double RatingNoise { get; init; } = 0.5;

    /// <summary>Rank (number of latent factors) of the planted rating model.</summary>
    public int RatingRank { get; init; } = 4;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> when a value makes no sense for the generator.
    /// </summary>
    internal void Validate()
    {
        Require(Users >= 1 && Users <= MaxEntities, nameof(Users), Users,
            $"must be between 1 and {MaxEntities.ToString("N0", CultureInfo.InvariantCulture)}");
        Require(Items >= 24 && Items <= MaxEntities, nameof(Items), Items,
            $"must be between 24 (two items per leaf category) and {MaxEntities.ToString("N0", CultureInfo.InvariantCulture)}");
        Require(Days >= 14 && Days <= 3650, nameof(Days), Days,
            "must be between 14 (a 10-day hold-out needs history before it) and 3650");
        Require(TargetEvents <= MaxEvents, nameof(TargetEvents), TargetEvents,
            $"must be at most {MaxEvents.ToString("N0", CultureInfo.InvariantCulture)}");
        Require(TargetEvents >= 6L * Users, nameof(TargetEvents), TargetEvents,
            $"must be at least 6 x Users = {6L * Users} (every user gets at least one browsing session of three or more views)");

        long endSeconds = End.ToUnixTimeSeconds();
        Require(endSeconds - (Days * 86_400L) >= 0 && End.UtcDateTime.Year <= 9000, nameof(End),
            End.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'sszzz", CultureInfo.InvariantCulture),
            "must leave the whole event window between 1970-01-01 and the year 9000");

        Require(RatingUsers >= 0 && RatingUsers <= Users, nameof(RatingUsers), RatingUsers,
            $"must be between 0 and Users ({Users})");
        Require(RatingItems >= 1 && RatingItems <= Items, nameof(RatingItems), RatingItems, "must be between 1 and Items");
        Require(RatingsPerUser >= 1 && RatingsPerUser <= RatingItems, nameof(RatingsPerUser), RatingsPerUser,
            $"must be between 1 and Items ({Items})");
        Require(double.IsFinite(RatingNoise) && RatingNoise >= 0.0 && RatingNoise <= 2.0, nameof(RatingNoise), RatingNoise,
            "must be a finite number between 0 and 2");
        Require(RatingRank >= 1 && RatingRank <= MaxRatingRank, nameof(RatingRank), RatingRank,
            $"must be between 1 and {MaxRatingRank}");
    }

    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    /// <param name="condition">The check that must hold.</param>
    /// <param name="name">Name of the option being checked.</param>
    /// <param name="value">The offending value.</param>
    /// <param name="rule">Human-readable statement of the rule.</param>
    private static void Require(bool condition, string name, object value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(
                name,
                value,
                string.Create(CultureInfo.InvariantCulture, $"SampleShopOptions.{name} {rule} (was {value})."));
        }
    }
}
