using System.Runtime.CompilerServices;
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
        try
        {
            await EnsureSchemaAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }

        await foreach (var payload in Notifications.ListenAsync(dataSource, Channel, cancellationToken))
        {
            if (payload is null)
            {
                yield return default; // listening
                continue;
            }

            foreach (var one in payload.Split(';'))
            {
                if (JobNotice.TryParse(one, out var job))
                {
                    yield return job;
                }
            }
        }
    }

    /// <summary>A NOTIFY of one or more notices (<c>;</c>-separated).</summary>
    internal static NpgsqlBatchCommand Notice(string notices) => Notifications.Notify(Channel, notices);
}
