namespace AntiDistill.Simulation;

/// <summary>Human timing: a time zone, waking hours, sessions, think time.</summary>
internal static class Rhythm
{
    /// <summary>UTC offset in hours for a person somewhere between Hawaii and Japan.</summary>
    public static int TimeZone(Random rng) => rng.Next(-10, 10);

    /// <summary>Start of a session on a given day: local 7:00-23:59, weighted to the evening.</summary>
    public static DateTimeOffset SessionStart(DateTimeOffset day, int utcOffset, Random rng)
    {
        double localHour = rng.NextDouble() < 0.6 ? 17 + (rng.NextDouble() * 7) : 7 + (rng.NextDouble() * 10);
        return day.AddHours(localHour - utcOffset);
    }

    /// <summary>Seconds a person takes between turns: reading, thinking, typing (log-normal, 10 s to 15 min).</summary>
    public static double ThinkSeconds(Random rng) => Math.Clamp(Math.Exp(4 + (rng.NextGaussian() * 1.1)), 8, 900);

    /// <summary>Geometric number of at least one, with the given mean.</summary>
    public static int Geometric(Random rng, double mean)
    {
        int n = 1;
        while (rng.NextDouble() > 1 / mean && n < 200)
        {
            n++;
        }

        return n;
    }

    /// <summary>A Poisson count with the given mean (Knuth's method; means here are small).</summary>
    public static int Poisson(Random rng, double mean)
    {
        double limit = Math.Exp(-mean), product = rng.NextDouble();
        int n = 0;
        while (product > limit && n < 1000)
        {
            n++;
            product *= rng.NextDouble();
        }

        return n;
    }

    public static double NextGaussian(this Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static T Pick<T>(this Random rng, IReadOnlyList<T> options) => options[rng.Next(options.Count)];
}
