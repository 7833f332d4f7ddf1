using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using DistKit.Scheduling.Jobs;
using Npgsql;

namespace DistKit.Postgres.Jobs;

/// <summary>
/// Group commit for new jobs without keys: the jobs that callers schedule while one insert is in
/// flight go in the next, as one statement and one commit (and one NOTIFY for those that need
/// telling). Concurrent callers then cost the database one round trip between them, not one each.
/// </summary>
internal sealed class JobInserts(NpgsqlDataSource dataSource)
{
    private const int MaxBatch = 512;

    // Rows are JSON text in one parameter; a batch stops growing past this many characters.
    private const int MaxBatchChars = 4 * 1024 * 1024;

    // Under PostgreSQL's 8,000-byte NOTIFY payload limit, with room to spare.
    private const int MaxNoticeBytes = 7_000;

    private static readonly string Insert = $"""
        INSERT INTO distkit_jobs ({JobColumns.List})
        SELECT {JobColumns.List} FROM json_to_recordset($1::json) AS v(
          id text, shard int, state smallint, due bigint, cron text, target_kind smallint, target text, data text, key text,
          idempotency_key text, attempt int, attempts int, retry_initial_ms bigint, retry_max_ms bigint, timeout_ms bigint,
          misfire smallint, created bigint, updated bigint, last_error text)
        """;

    private static readonly string[] Names = JobColumns.List.Split(", ");

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private int _draining;

    public Task InsertAsync(Job job, bool notify, CancellationToken cancellationToken)
    {
        // The row is written here, on the caller's thread: a job that cannot be written fails its
        // own call, not the batch it would have joined.
        var pending = new Pending(job, Row(job), notify, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(pending);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        // A caller that gives up stops waiting; its job may still be stored, as with any cancelled write.
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var handedOff = false;
        try
        {
            while (true)
            {
                batch.Clear();
                var chars = 0;
                while (batch.Count < MaxBatch && chars < MaxBatchChars && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    chars += pending.Row.Length;
                }

                if (batch.Count == 0)
                {
                    // A full fence: a caller that enqueued after the last read and saw the drain
                    // still running must be seen here.
                    Interlocked.Exchange(ref _draining, 0);
                    if (!_queue.Reader.TryPeek(out _) || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                    {
                        handedOff = true;
                        return;
                    }

                    continue;
                }

                try
                {
                    await WriteAsync(batch);
                    foreach (var pending in batch)
                    {
                        pending.Done.TrySetResult();
                    }
                }
                catch (Exception e)
                {
                    foreach (var pending in batch)
                    {
                        pending.Done.TrySetException(e);
                    }

                    batch.Clear();
                }
            }
        }
        finally
        {
            if (!handedOff)
            {
                // Died (out of memory, say) holding the flag, which would wedge every insert after it.
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(new InvalidOperationException("the insert was abandoned"));
                }

                Interlocked.Exchange(ref _draining, 0);
                if (_queue.Reader.TryPeek(out _) && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                {
                    _ = Task.Run(DrainAsync, CancellationToken.None);
                }
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        await using var command = dataSource.CreateBatch();
        var insert = new NpgsqlBatchCommand(Insert);
        insert.Parameters.Add(new NpgsqlParameter { Value = "[" + string.Join(',', batch.Select(p => p.Row)) + "]" });
        command.BatchCommands.Add(insert);
        var notice = new StringBuilder();
        foreach (var pending in batch.Where(p => p.Notify))
        {
            var text = JobNotice.Text(pending.Job);
            if (notice.Length > 0 && notice.Length + text.Length + 1 > MaxNoticeBytes)
            {
                command.BatchCommands.Add(PostgresJobStore.Notice(notice.ToString()));
                notice.Clear();
            }

            notice.Append(notice.Length == 0 ? "" : ";").Append(text);
        }

        if (notice.Length > 0)
        {
            command.BatchCommands.Add(PostgresJobStore.Notice(notice.ToString()));
        }

        // One implicit transaction: the rows and their notices commit together.
        await command.ExecuteNonQueryAsync();
    }

    private static string Row(Job job)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            var values = JobColumns.Values(job);
            for (var i = 0; i < Names.Length; i++)
            {
                switch (values[i])
                {
                    case null: json.WriteNull(Names[i]); break;
                    case string text: json.WriteString(Names[i], text); break;
                    case int number: json.WriteNumber(Names[i], number); break;
                    case long number: json.WriteNumber(Names[i], number); break;
                    default: throw new InvalidOperationException($"column {Names[i]} has a value of type {values[i]!.GetType().Name}");
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private readonly record struct Pending(Job Job, string Row, bool Notify, TaskCompletionSource Done);
}
