namespace AntiDistill.Simulation;

/// <summary>
/// Seeds derived from stable values (FNV-1a, not <see cref="string.GetHashCode()"/>, which is salted per process),
/// for side streams of randomness that must not disturb a population's main <see cref="Random"/>: adding rendered
/// detail (assistant replies, tool arguments) leaves every prompt, time and budget the engine sees unchanged.
/// </summary>
internal static class StableSeed
{
    public static int Of(string text, long salt)
    {
        ulong hash = 14_695_981_039_346_656_037UL ^ (ulong)salt;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1_099_511_628_211UL;
        }

        hash ^= hash >> 29;
        return (int)(hash ^ (hash >> 32)) & int.MaxValue;
    }
}
