using System.Diagnostics;
using DistKit.Testing.Internal;

namespace DistKit.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster with <c>wal_level=logical</c> (Debian package <c>postgresql</c>).
/// PostgreSQL refuses to run as root, so when the tests run as root, initdb and the server run as
/// the <c>postgres</c> user through <c>setpriv</c>, which execs in place: the process we hold is
/// the postmaster itself.
/// </summary>
public sealed class PostgresServer() : ServerProcess("postgres")
{
    private readonly string _bin = Binaries.PostgresBinDirectory();

    private string DataDirectory => Path.Combine(WorkDirectory, "db");

    /// <summary>An Npgsql connection string for the <c>postgres</c> superuser and database.</summary>
    public override string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=5";

    /// <inheritdoc />
    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(DataDirectory))
        {
            return;
        }

        if (RunningAsRoot)
        {
            await RunToCompletionAsync(new ProcessStartInfo("chown", ["-R", "postgres:postgres", WorkDirectory]), cancellationToken);
        }

        await RunToCompletionAsync(AsPostgresUser(Path.Combine(_bin, "initdb"), "-D", DataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C"), cancellationToken);
    }

    /// <inheritdoc />
    protected override ProcessStartInfo CreateStartInfo() => AsPostgresUser(
        Path.Combine(_bin, "postgres"), "-D", DataDirectory, "-p", Port.ToString(), "-k", WorkDirectory,
        "-c", "listen_addresses=127.0.0.1", "-c", "wal_level=logical", "-c", "fsync=off",
        "-c", "max_connections=200", "-c", "max_replication_slots=10", "-c", "max_wal_senders=10");

    /// <inheritdoc />
    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        var isReady = new ProcessStartInfo(Path.Combine(_bin, "pg_isready"), ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", "-t", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(isReady)!;
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0;
    }

    private static bool RunningAsRoot => Environment.UserName == "root";

    private static ProcessStartInfo AsPostgresUser(string program, params string[] args)
    {
        if (!RunningAsRoot)
        {
            return new ProcessStartInfo(program, args);
        }

        var setpriv = Binaries.Find("setpriv", "util-linux");
        return new ProcessStartInfo(setpriv, ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program, .. args]);
    }
}
