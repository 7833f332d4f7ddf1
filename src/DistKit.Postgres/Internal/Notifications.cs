using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;

namespace DistKit.Postgres.Internal;

/// <summary>
/// <c>LISTEN</c> on a channel of a dedicated connection: yields null once listening, then each
/// notification's payload. A quiet connection is checked every few seconds, so a server that went
/// away ends the listen (as <see cref="DistKit.Core.EngineUnavailableException"/>) instead of leaving
/// it listening to nothing.
/// </summary>
internal static class Notifications
{
    public static async IAsyncEnumerable<string?> ListenAsync(NpgsqlDataSource dataSource, string channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var payloads = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        NpgsqlConnection connection;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }

        await using var _ = connection;
        connection.Notification += (_, notice) => payloads.Writer.TryWrite(notice.Payload);
        try
        {
            await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }

        yield return null;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = WaitLoopAsync(connection, payloads.Writer, stopWaiting.Token);
        try
        {
            await foreach (var payload in payloads.Reader.ReadAllAsync(cancellationToken))
            {
                yield return payload;
            }
        }
        finally
        {
            // The connection is busy waiting until the loop stops; it must be idle to be disposed.
            await stopWaiting.CancelAsync();
            await waiting;
        }
    }

    /// <summary>A <c>NOTIFY</c> of <paramref name="payload"/> on <paramref name="channel"/>, for a batch.</summary>
    public static NpgsqlBatchCommand Notify(string channel, string payload)
    {
        var command = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        return command;
    }

    private static async Task WaitLoopAsync(NpgsqlConnection connection, ChannelWriter<string> payloads, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (!await connection.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken))
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", connection);
                    await ping.ExecuteScalarAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            payloads.TryComplete();
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            payloads.TryComplete(PostgresErrors.Unavailable(e));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            payloads.TryComplete(e);
        }
    }
}
