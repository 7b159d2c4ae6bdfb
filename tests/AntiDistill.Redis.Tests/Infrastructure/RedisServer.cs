using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AntiDistill.Redis.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, without persistence, started for a test collection (or one
/// test) and killed when disposed. <see cref="Kill"/> and <see cref="Start"/> stop and bring it back on the same port,
/// empty, as a crash without persistence would. When redis-server is not installed the tests skip (see
/// <see cref="RedisFactAttribute"/>), except under <c>CI=true</c>, where starting throws so the test fails.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private Process? _process;

    public RedisServer()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server); Redis tests cannot run.");
        }

        Port = FreePort();
        Start();
    }

    /// <summary>Why Redis tests skip here, or null when they run (installed, or CI=true so that missing is a failure).</summary>
    public static string? SkipReason => IsInstalled || IsCi ? null : "redis-server is not installed (apt-get install -y redis-server); under CI=true this fails instead.";

    public static bool IsInstalled { get; } = FindExecutable() is not null;

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>For StackExchange.Redis: connect in the background, reconnect after a restart.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    /// <summary>Starts the server on <see cref="Port"/> and waits until it answers PING (bounded: 10 seconds).</summary>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo(FindExecutable()!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (int attempt = 0; attempt < 200; attempt++)
        {
            if (Ping())
            {
                return;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException($"redis-server did not answer PING on port {Port} within 10 seconds.");
    }

    /// <summary>
    /// Freezes the server (SIGSTOP): its socket stays open and the kernel still accepts what clients send, but nothing
    /// is answered, as with a hung Redis, unlike a crash, which refuses. Disposing the result thaws it (SIGCONT);
    /// <see cref="Kill"/> thaws it too, so a failing test cannot leave a stopped process behind.
    /// </summary>
    public IDisposable Freeze()
    {
        Signal("STOP");
        return new Thaw(this);
    }

    /// <summary>Resumes a frozen server (SIGCONT; harmless when it runs).</summary>
    public void Resume() => Signal("CONT");

    /// <summary>Kills the server (SIGKILL: no shutdown, no save) and waits for it to exit.</summary>
    public void Kill()
    {
        if (_process is { } p)
        {
            if (!p.HasExited)
            {
                Signal("CONT");
            }

            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }

            p.WaitForExit(10_000);
            p.Dispose();
            _process = null;
        }
    }

    public void Dispose() => Kill();

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } p)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        if (!kill.WaitForExit(10_000) || kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {p.Id} failed.");
        }
    }

    private sealed class Thaw(RedisServer server) : IDisposable
    {
        public void Dispose() => server.Resume();
    }

    private bool Ping()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.ReadTimeout = 1000;
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            int read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindExecutable()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin"]))
        {
            string candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs redis-server: skipped with the reason when it is missing, unless CI=true (then it runs and fails).</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>Tests that share one redis-server; each uses its own key prefix, so they do not see each other's keys.</summary>
[CollectionDefinition(Name)]
public sealed class RedisTests : ICollectionFixture<SharedRedis>
{
    public const string Name = "redis";
}

/// <summary>The collection's server, started lazily so that a machine without redis-server only fails (or skips) the tests that need it.</summary>
public sealed class SharedRedis : IDisposable
{
    private readonly Lazy<RedisServer> _server = new(() => new RedisServer());

    public RedisServer Server => _server.Value;

    public void Dispose()
    {
        if (_server.IsValueCreated)
        {
            _server.Value.Dispose();
        }
    }
}
