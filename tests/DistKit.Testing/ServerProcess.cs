using System.Diagnostics;
using DistKit.Testing.Internal;

namespace DistKit.Testing;

/// <summary>
/// A real server process on a free loopback port in its own temporary directory: started and
/// waited for until it answers, stopped and deleted on dispose. Fault tests can
/// <see cref="KillAsync"/> it (SIGKILL, children included) and <see cref="RestartAsync"/> it on the
/// same port with the same data.
/// </summary>
public abstract class ServerProcess : IAsyncDisposable
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "distkit-test");
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _logLock = new();
    private Process? _process;
    private StreamWriter? _log;
    private bool _prepared;

    /// <summary>Creates the launcher and its directory; nothing runs until <see cref="StartAsync"/>.</summary>
    protected ServerProcess(string name)
    {
        Name = name;
        Directory.CreateDirectory(Root);
        WorkDirectory = Path.Combine(Root, $"{name}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(WorkDirectory);
        Port = FreePorts.Next();
    }

    /// <summary>The server's short name (<c>redis</c>, <c>etcd</c>, …).</summary>
    public string Name { get; }

    /// <summary>The temporary directory holding the server's data and log.</summary>
    public string WorkDirectory { get; }

    /// <summary>The loopback port clients connect to; the same across restarts.</summary>
    public int Port { get; private set; }

    /// <summary>What the engine's client library takes to connect.</summary>
    public abstract string ConnectionString { get; }

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's process id while it runs.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>The file the server's output goes to.</summary>
    public string LogFile => Path.Combine(WorkDirectory, "server.log");

    /// <summary>Starts the server and waits until it answers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

        // A port can be taken between our probe and the server's bind; on a first start, try another.
        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            if (!_prepared)
            {
                await PrepareAsync(cancellationToken);
            }

            if (await TryStartOnceAsync(cancellationToken))
            {
                _prepared = true;
                return;
            }

            if (_prepared || attempt == Attempts)
            {
                throw new InvalidOperationException($"{Name} did not become ready on port {Port} within {ReadyTimeout.TotalSeconds:F0}s; its log ends with:{Environment.NewLine}{TailOfLog()}");
            }

            Port = FreePorts.Next();
            OnPortChanged();
        }
    }

    /// <summary>Stops the server gracefully (SIGTERM), waiting for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Signals.Send(process.Id, Signals.SigTerm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                await KillAsync();
            }
        }

        CloseProcess();
    }

    /// <summary>Kills the server and every process it started with SIGKILL, as a crash or power loss would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            var descendants = Signals.Descendants(process.Id);
            Signals.Send(process.Id, Signals.SigKill);
            foreach (var child in descendants)
            {
                Signals.Send(child, Signals.SigKill);
            }

            await process.WaitForExitAsync();
            await WaitForProcessesGoneAsync(descendants);
        }

        CloseProcess();
    }

    /// <summary>Stops the server gracefully and starts it again on the same port with the same data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartAsync(cancellationToken);
    }

    /// <summary>Runs once before the first start (create a database cluster, write a config file).</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when a first start failed and the launcher picked a new <see cref="Port"/>.</summary>
    protected virtual void OnPortChanged() { }

    /// <summary>The command that runs the server in the foreground, so the process is the server itself.</summary>
    protected abstract ProcessStartInfo CreateStartInfo();

    /// <summary>True once the server answers a real request, not just accepts a connection.</summary>
    protected abstract Task<bool> IsReadyAsync(CancellationToken cancellationToken);

    /// <summary>Runs a helper command to completion (initdb), failing with its output if it fails.</summary>
    protected static async Task RunToCompletionAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {startInfo.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    private async Task<bool> TryStartOnceAsync(CancellationToken cancellationToken)
    {
        var startInfo = CreateStartInfo();
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true;
        startInfo.UseShellExecute = false;
        startInfo.WorkingDirectory ??= WorkDirectory;

        _log = new StreamWriter(LogFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        process.Start();

        // Some servers rename their process (redis-server shows only its address), so the pid is
        // what lets scripts/test.sh clean up after a test run that was killed.
        await File.WriteAllTextAsync(Path.Combine(WorkDirectory, "server.pid"), process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                CloseProcess();
                return false;
            }

            // A server can accept a connection before it answers; bound each probe so a silent one is retried.
            using var probeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probeLimit.CancelAfter(ProbeTimeout);
            try
            {
                if (await IsReadyAsync(probeLimit.Token))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or HttpRequestException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }

        await KillAsync();
        return false;
    }

    private void WriteLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log?.WriteLine(line);
        }
    }

    private string TailOfLog()
    {
        try
        {
            lock (_logLock)
            {
                _log?.Flush();
            }

            var lines = File.ReadAllLines(LogFile);
            return string.Join(Environment.NewLine, lines.TakeLast(20));
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    private void CloseProcess()
    {
        _process?.Dispose();
        _process = null;
        lock (_logLock)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    private static async Task WaitForProcessesGoneAsync(List<int> pids)
    {
        var deadline = Stopwatch.StartNew();
        while (pids.Any(Signals.IsAlive) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
    }

    /// <summary>Kills the server and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying child; the test run's cleanup removes the tree.
        }

        GC.SuppressFinalize(this);
    }
}
