using static Personalize.Cli.Sample.SampleRandom;
using static Personalize.Cli.Sample.SampleShopTables;

namespace Personalize.Cli.Sample;

internal static partial class SampleShopGenerator
{
    /// <summary>Simulates every user's sessions, repeat orders and trend visits; returns events sorted by time, user, item.</summary>
    /// <param name="options">Generator parameters.</param>
    /// <param name="catalog">The catalog.</param>
    /// <param name="users">Planted user tastes.</param>
    /// <param name="start">Start of the event window (Unix seconds).</param>
    /// <param name="end">End of the event window (Unix seconds).</param>
    /// <returns>The sorted event log.</returns>
    private static List<ShopEvent> SimulateEvents(SampleShopOptions options, ShopCatalog catalog, UserTaste[] users, long start, long end)
    {
        // Session days are calendar (UTC) days covering the window: weekends busier, slow growth towards the end.
        long firstDay = start / Day;
        int calendarDays = (int)(((end - 1) / Day) - firstDay + 1);
        var dayCdf = Cumulative(calendarDays, d =>
        {
            DayOfWeek dow = DateTimeOffset.FromUnixTimeSeconds((firstDay + d) * Day).DayOfWeek;
            double weekly = dow is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1.25 : dow == DayOfWeek.Monday ? 0.95 : 1.0;
            return weekly * (1.0 + (0.25 * d / calendarDays));
        });

        // Extra trend visits: calendar days overlapping the trend, weighted 1, 2, 3, ... (rising interest).
        long surgeStart = end - (SurgeDays * Day);
        long surgeFirstDay = surgeStart / Day;
        int surgeCalendarDays = (int)(((end - 1) / Day) - surgeFirstDay + 1);
        double[] surgeDayCdf = Cumulative(surgeCalendarDays, d => d + 1.0);
        double[] hourCdf = Cumulative(24, h => HourWeights[h]);

        double activitySum = 0.0;
        foreach (UserTaste user in users)
        {
            activitySum += user.Activity;
        }

        double sessionsWanted = options.TargetEvents / EventsPerSession;
        double scale = Math.Max(0.0, sessionsWanted - users.Length) / activitySum;
        int maxSessions = Math.Max(1, options.Days * 2);

        var events = new List<ShopEvent>(options.TargetEvents + (options.TargetEvents / 8));
        var chooser = new Chooser(catalog, exactTable: (long)options.Users * options.Items <= ExactChoiceTableBudget);
        var times = new List<long>();
        var sim = new SessionContext(catalog, chooser, events, start, end, hourCdf);
        for (int u = 0; u < users.Length; u++)
        {
            UserTaste user = users[u];
            Random rng = RandomStream(options.Seed, 3, u);
            chooser.Prepare(user);
            sim.Begin(u, user, rng);

            int sessions = Math.Min(maxSessions, 1 + (int)Math.Floor((scale * user.Activity) + rng.NextDouble()));
            times.Clear();
            for (int s = 0; s < sessions; s++)
            {
                times.Add(DrawTime(dayCdf, firstDay, start, end, hourCdf, rng));
            }

            times.Sort();
            foreach (long t in times)
            {
                sim.BrowsingSession(t, surgeVisit: false);
            }

            if (rng.NextDouble() < SurgeVisitProbability)
            {
                sim.BrowsingSession(DrawTime(surgeDayCdf, surgeFirstDay, surgeStart, end - 1800, hourCdf, rng), surgeVisit: true);
            }
        }

        events.Sort();
        return events;
    }

    /// <summary>A random time in <c>[from, to)</c>: a calendar day from <paramref name="dayCdf"/>, a time of day from the diurnal profile.</summary>
    /// <param name="dayCdf">Cumulative weights of the calendar days starting at <paramref name="firstDay"/>.</param>
    /// <param name="firstDay">Unix day number of the first calendar day.</param>
    /// <param name="from">Earliest allowed time (Unix seconds).</param>
    /// <param name="to">End (exclusive) of the allowed range (Unix seconds).</param>
    /// <param name="hourCdf">Cumulative hour weights.</param>
    /// <param name="rng">Random stream.</param>
    /// <returns>Unix seconds.</returns>
    private static long DrawTime(double[] dayCdf, long firstDay, long from, long to, double[] hourCdf, Random rng)
    {
        for (int attempt = 0; attempt < 16; attempt++)
        {
            long t = ((firstDay + SampleCdf(dayCdf, rng)) * Day) + TimeOfDay(hourCdf, rng);
            if (t >= from && t < to)
            {
                return t;
            }
        }

        return from + rng.NextInt64(Math.Max(1, to - from));
    }

    /// <summary>A random second within a day, drawn from the diurnal profile.</summary>
    /// <param name="hourCdf">Cumulative hour weights.</param>
    /// <param name="rng">Random stream.</param>
    /// <returns>Seconds after midnight UTC.</returns>
    private static long TimeOfDay(double[] hourCdf, Random rng)
    {
        int hour = SampleCdf(hourCdf, rng);
        return (hour * 3600L) + rng.Next(3600);
    }
}
