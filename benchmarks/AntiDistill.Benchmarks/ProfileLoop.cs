using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>
/// Runs one benchmark method in a plain loop for a while, so that <c>perf record</c> (with
/// <c>DOTNET_PerfMapEnabled=1</c>) sees only its frames at steady state: BenchmarkDotNet's own harness would be in
/// the profile, and its short iterations leave methods at lower JIT tiers.
/// </summary>
internal static class ProfileLoop
{
    public static void Run(string name, double seconds, bool allocations)
    {
        string[] parts = name.Split('.');
        var type = typeof(ProfileLoop).Assembly.GetType("AntiDistill.Benchmarks." + parts[0])
            ?? throw new ArgumentException($"no benchmark class {parts[0]}");
        var method = type.GetMethod(parts[1]) ?? throw new ArgumentException($"no method {name}");
        object instance = Activator.CreateInstance(type)!;

        // BenchmarkDotNet sets [Params] properties; a plain loop takes each one's first value (0 is often no valid value).
        foreach (var property in type.GetProperties())
        {
            if (property.GetCustomAttribute<ParamsAttribute>() is { Values: [var first, ..] })
            {
                property.SetValue(instance, first);
            }
        }

        foreach (var setup in type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null))
        {
            setup.Invoke(instance, null);
        }

        // A typed delegate, not MethodInfo.Invoke: the loop's own allocations would hide the method's.
        var call = method.ReturnType == typeof(int) ? method.CreateDelegate<Func<int>>(instance)
            : method.ReturnType == typeof(float) ? Wrap(method.CreateDelegate<Func<float>>(instance))
            : throw new ArgumentException($"{name} returns {method.ReturnType}; the loop calls int or float methods");
        using var sampler = allocations ? new AllocationSampler() : null;
        long calls = 0;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        call();
        calls++;

        // Batches of about 10 ms between clock reads, so a slow method (a feed load) stops on time too.
        int batch = (int)Math.Clamp(0.01 / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), 1, 1000);
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < batch; i++)
            {
                call();
            }

            calls += batch;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {calls:N0} calls, {clock.Elapsed.TotalMilliseconds * 1e6 / calls:F0} ns and {(double)allocated / calls:F0} B each"));
        foreach (var (allocatedType, samples) in sampler?.Top(15) ?? [])
        {
            Console.WriteLine($"  {samples,6} samples  {allocatedType}");
        }
    }

    private static Func<int> Wrap(Func<float> call) => () => (int)call();
}
