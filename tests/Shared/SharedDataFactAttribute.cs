namespace AntiDistill.Testing;

/// <summary>
/// Where the shared data (<c>../shared</c> beside the repository: corpora, STIX schemas) is, found by walking up from the
/// test assembly to the repository root. Tests that need it use <see cref="SharedDataFactAttribute"/>: they skip, saying
/// why, in a plain clone without it, and fail under <c>CI=true</c>, where its absence is a broken checkout (the rule the
/// Redis tests follow for redis-server).
/// </summary>
internal static class SharedData
{
    /// <summary>The <c>shared</c> folder, or null when there is none beside the repository.</summary>
    public static string? Root { get; } = Find();

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why tests that need it skip here, or null when they run (present, or CI=true so that missing fails).</summary>
    public static string? SkipReason => Root is not null || IsCi
        ? null
        : "../shared (the STIX schemas and corpora beside the repository) is not present; under CI=true this fails instead.";

    /// <summary>A path under <c>shared</c>; throws (failing the test) when the folder is missing, which only a CI run reaches.</summary>
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([Root ?? throw new InvalidOperationException("../shared is missing beside the repository (CI=true: tests that need it fail)."), .. parts]);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AntiDistill.sln")))
            {
                string shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(System.IO.Path.Combine(shared, "data")) ? shared : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs <c>../shared</c>: skipped without it, except under <c>CI=true</c> (see <see cref="SharedData"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedData.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
