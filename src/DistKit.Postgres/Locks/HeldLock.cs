using DistKit.Core.Leases;
using Npgsql;

namespace DistKit.Postgres.Locks;

/// <summary>
/// A session advisory lock on its own connection: checked for liveness in the background, and
/// released by unlocking and closing the connection.
/// </summary>
internal sealed class HeldLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _use = new(1, 1);
    private readonly Task _watch;
    private readonly Action<NpgsqlConnection, bool> _giveBack;

    /// <param name="connection">The session holding the lock.</param>
    /// <param name="key">The advisory lock key.</param>
    /// <param name="every">How often to check the session is alive.</param>
    /// <param name="time">The clock of those checks.</param>
    /// <param name="giveBack">Takes the connection after release; told whether the session is clean (no lock left) and can serve another.</param>
    public HeldLock(NpgsqlConnection connection, long key, TimeSpan every, TimeProvider time, Action<NpgsqlConnection, bool> giveBack)
    {
        _connection = connection;
        _key = key;
        _giveBack = giveBack;
        _watch = Task.Run(() => WatchAsync(every, time), CancellationToken.None);
    }

    public CancellationToken Lost => _lost.Token;

    // The first reason wins: a release after the session ended is still that loss, and a session
    // closed by the release is not one.
    private int _reason;

    public LeaseLossReason LossReason => (LeaseLossReason)Volatile.Read(ref _reason);

    private bool Settle(LeaseLossReason reason) =>
        Interlocked.CompareExchange(ref _reason, (int)reason, (int)LeaseLossReason.None) == (int)LeaseLossReason.None;

    private async Task WatchAsync(TimeSpan every, TimeProvider time)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // Release cancels this wait every time: no exception for the common path.
                await Task.Delay(every, time, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                await _use.WaitAsync(_stop.Token);
                try
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", _connection);
                    await ping.ExecuteScalarAsync(_stop.Token);
                }
                finally
                {
                    _use.Release();
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ObjectDisposedException)
            {
                // The session is gone, and a session lock with it.
                if (Settle(LeaseLossReason.SessionEnded))
                {
                    Core.Diagnostics.DistKitDiagnostics.LeaseLost("postgres", LeaseLossReason.SessionEnded);
                }

                await _lost.CancelAsync();
                return;
            }
        }
    }

    public ValueTask DisposeAsync() => ReleaseAsync();

    public async ValueTask ReleaseAsync()
    {
        _ = Settle(LeaseLossReason.Released);
        _stop.Cancel();
        try
        {
            await _watch;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The watch only reports; releasing is what matters now.
        }

        var clean = false;
        try
        {
            if (!_lost.IsCancellationRequested)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection) { Parameters = { new() { Value = _key } } };
                clean = (bool)(await unlock.ExecuteScalarAsync())!;
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Closing the connection ends the session, which releases the lock anyway.
        }
        finally
        {
            _lost.Cancel();
            _giveBack(_connection, clean);
            _use.Dispose();
        }
    }
}
