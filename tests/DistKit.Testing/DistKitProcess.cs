using System.Diagnostics;
using System.Text;
using DistKit.Testing.Internal;

namespace DistKit.Testing;

/// <summary>
/// Runs the real <c>distkit</c> CLI as a separate process (from the test's output directory, where
/// a project reference to DistKit.Cli puts <c>distkit.dll</c>), as a user or a script would.
/// </summary>
public static class DistKitProcess
{
    /// <summary>The result of a finished run.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Stderr's non-empty lines.</summary>
        public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The <c>distkit.dll</c> next to the running tests.</summary>
    public static string DllPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "distkit.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("distkit.dll is not next to the tests; reference src/DistKit.Cli from the test project", path);
        }
    }

    /// <summary>
    /// The CLI that <c>scripts/test.sh</c> published once for every process test (the shipped native
    /// <c>distkit</c>, with <c>distkit-node</c> beside it: a start costs about a third of the CPU of a
    /// ReadyToRun one, and the tests start it thousands of times), or null to run the
    /// <c>distkit.dll</c> next to the tests.
    /// </summary>
    public static string? PublishedCli =>
        Environment.GetEnvironmentVariable("DISTKIT_TEST_CLI") is { Length: > 0 } path
            ? File.Exists(path) ? path : throw new FileNotFoundException("DISTKIT_TEST_CLI names no file", path)
            : null;

    /// <summary>A start description for the CLI with <paramref name="args"/>: the published one, else <c>dotnet distkit.dll</c>.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var published = PublishedCli;
        var start = new ProcessStartInfo(published ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        if (published is null)
        {
            start.ArgumentList.Add(DllPath);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A developer's own settings must not leak into tests.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("DISTKIT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Runs <c>distkit args…</c> to completion and returns its exit code and output.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var process = Process.Start(StartInfo(args, environment, workingDirectory))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"distkit {string.Join(' ', args)} did not finish in time; stderr so far: {await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>distkit serve</c> on <paramref name="port"/> (default: a free loopback port) and waits until <c>/healthz</c> answers.</summary>
    public static async Task<ServeHandle> ServeAsync(string dataDir, IEnumerable<string>? extraArgs = null, IReadOnlyDictionary<string, string>? environment = null, int? port = null, CancellationToken cancellationToken = default)
    {
        port ??= FreePorts.Next();
        var url = $"http://127.0.0.1:{port}";
        var args = new List<string> { "serve", "--urls", url, "--data-dir", dataDir };
        var extra = extraArgs?.ToList() ?? [];

        // The search API's own listener gets a free port too, never Elasticsearch's 9200, which
        // nodes started side by side (or a real Elasticsearch) would fight over.
        Uri? searchAddress = null;
        if (!extra.Contains("--search-urls"))
        {
            searchAddress = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
            args.AddRange(["--search-urls", searchAddress.ToString().TrimEnd('/')]);
        }

        args.AddRange(extra);
        var process = Process.Start(StartInfo(args, environment))!;
        var handle = new ServeHandle(process, new Uri(url), searchAddress);
        await handle.WaitUntilHealthyAsync(TimeSpan.FromSeconds(20), cancellationToken);
        return handle;
    }

    /// <summary>A running <c>distkit serve</c>.</summary>
    public sealed class ServeHandle : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();

        internal ServeHandle(Process process, Uri address, Uri? searchAddress)
        {
            _process = process;
            Address = address;
            SearchAddress = searchAddress;
            process.OutputDataReceived += (_, e) => { lock (_stdout) { _stdout.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        /// <summary>The node's base address.</summary>
        public Uri Address { get; }

        /// <summary>The Elasticsearch-compatible search API's address (null when the test chose its own).</summary>
        public Uri? SearchAddress { get; }

        /// <summary>The node's process id.</summary>
        public int ProcessId => _process.Id;

        /// <summary>What the node logged to stdout so far.</summary>
        public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }

        /// <summary>What the node wrote to stderr so far.</summary>
        public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

        internal async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"distkit serve exited with {_process.ExitCode}: {Stderr}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(Address, "/healthz"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Listening but slow to answer its first request (a loaded machine): probe again
                    // until the whole timeout, which alone bounds the wait.
                }

                await Task.Delay(100, cancellationToken);
            }

            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"distkit serve did not answer /healthz within {timeout.TotalSeconds:F0}s: {Stderr}");
        }

        /// <summary>Sends SIGTERM and waits for the exit code.</summary>
        public async Task<int> TerminateAsync(TimeSpan timeout)
        {
            Signals.Send(_process.Id, Signals.SigTerm);
            using var limit = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(limit.Token);
            return _process.ExitCode;
        }

        /// <summary>Kills the node with SIGKILL, as a crash would: nothing is released or flushed.</summary>
        public async Task KillAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
