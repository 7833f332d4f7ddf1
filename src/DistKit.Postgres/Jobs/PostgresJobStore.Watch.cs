using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DistKit.Postgres.Internal;
using DistKit.Scheduling.Jobs;
using Npgsql;

namespace DistKit.Postgres.Jobs;

// LISTEN/NOTIFY: how a node hears of jobs other nodes schedule inside its window.
public sealed partial class PostgresJobStore
{
    /// <inheritdoc />
    public async IAsyncEnumerable<DueJob> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var notices = System.Threading.Channels.Channel.CreateUnbounded<DueJob>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        NpgsqlConnection connection;
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }

        await using var _ = connection;
        connection.Notification += (_, notice) =>
        {
            foreach (var one in notice.Payload.Split(';'))
            {
                if (JobNotice.TryParse(one, out var job))
                {
                    notices.Writer.TryWrite(job);
                }
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        yield return default;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = WaitLoopAsync(connection, notices.Writer, stopWaiting.Token);
        try
        {
            await foreach (var job in notices.Reader.ReadAllAsync(cancellationToken))
            {
                yield return job;
            }
        }
        finally
        {
            // The connection is busy waiting until the loop stops; it must be idle to be disposed.
            await stopWaiting.CancelAsync();
            await waiting;
        }
    }

    // Wakes for each notification; a quiet connection is checked every few seconds, so a server
    // that went away ends the watch instead of leaving it listening to nothing.
    private static async Task WaitLoopAsync(NpgsqlConnection connection, ChannelWriter<DueJob> notices, CancellationToken cancellationToken)
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
            notices.TryComplete();
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            notices.TryComplete(PostgresErrors.Unavailable(e));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            notices.TryComplete(e);
        }
    }

    /// <summary>A NOTIFY of one or more notices (<c>;</c>-separated).</summary>
    internal static NpgsqlBatchCommand Notice(string notices)
    {
        var command = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = notices });
        return command;
    }
}
