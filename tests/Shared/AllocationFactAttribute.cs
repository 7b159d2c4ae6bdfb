using System.Diagnostics;
using System.Reflection;

namespace AntiDistill.Testing;

/// <summary>
/// A fact that counts allocated bytes. Such counts mean something only where the code under test is optimized: a Debug
/// build keeps async state machines as classes and boxes them on the first await, so <c>dotnet test</c> without
/// <c>-c Release</c> would fail on allocations no user ever sees. There the test is skipped, saying why; CI and the
/// README's command build Release, where it runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class AllocationFactAttribute : FactAttribute
{
    public AllocationFactAttribute()
    {
        if (!Optimized)
        {
            Skip = NotOptimizedReason;
        }
    }

    internal const string NotOptimizedReason =
        "Allocation counts are only meaningful in an optimized build (Debug boxes async state machines); run with -c Release.";

    /// <summary>Whether the AntiDistill assemblies were compiled with the JIT optimizer on (a Release build).</summary>
    internal static bool Optimized { get; } = IsOptimized(typeof(DistillationEngine).Assembly);

    private static bool IsOptimized(Assembly assembly) =>
        assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };
}

/// <summary>The theory counterpart of <see cref="AllocationFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class AllocationTheoryAttribute : TheoryAttribute
{
    public AllocationTheoryAttribute()
    {
        if (!AllocationFactAttribute.Optimized)
        {
            Skip = AllocationFactAttribute.NotOptimizedReason;
        }
    }
}
