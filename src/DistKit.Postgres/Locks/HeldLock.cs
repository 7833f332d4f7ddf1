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

    public HeldLock(NpgsqlConnection connection, long key, TimeSpan every)
    {
        _connection = connection;
        _key = key;
        _watch = Task.Run(() => WatchAsync(every), CancellationToken.None);
    }

    public CancellationToken Lost => _lost.Token;

    private async Task WatchAsync(TimeSpan every)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, TimeProvider.System, _stop.Token);
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
                await _lost.CancelAsync();
                return;
            }
        }
    }

    public ValueTask DisposeAsync() => ReleaseAsync();

    public async ValueTask ReleaseAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watch;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The watch only reports; releasing is what matters now.
        }

        try
        {
            if (!_lost.IsCancellationRequested)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection) { Parameters = { new() { Value = _key } } };
                await unlock.ExecuteScalarAsync();
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Closing the connection below ends the session, which releases the lock anyway.
        }
        finally
        {
            await _lost.CancelAsync();
            await _connection.DisposeAsync();
            _use.Dispose();
        }
    }
}
