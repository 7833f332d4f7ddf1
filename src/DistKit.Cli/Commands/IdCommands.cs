using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Core.Leases;
using DistKit.Ids;
using DistKit.Ids.Encoding;
using DistKit.Ids.Workers;
using DistKit.Core.Composition;
using DistKit.Ids.Composition;
using DistKit.Server.Composition;
using DistKit.Ids.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit id next|decode|layout</c>: local id work, no node needed.</summary>
internal sealed class IdCommands : ICommandGroup
{
    public string Name => "id";

    public Command Build()
    {
        var group = new Command(Name, "Issue, decode and plan 64-bit time-ordered ids (runs locally; no node needed)");
        group.Subcommands.Add(Next());
        group.Subcommands.Add(Decode());
        group.Subcommands.Add(Layout());
        return group;
    }

    private static Option<IdLayout> LayoutOption() => new("--layout")
    {
        Description = "snowflake, sonyflake, js-safe, or a spec as 'distkit id layout' prints it (default snowflake)",
        DefaultValueFactory = _ => IdLayout.Snowflake,
        CustomParser = result =>
        {
            try
            {
                return IdLayout.Parse(result.Tokens[0].Value);
            }
            catch (FormatException e)
            {
                result.AddError($"--layout: {e.Message}");
                return IdLayout.Snowflake;
            }
        },
    };

    private static Option<IdEncoding> EncodingOption(string description) => new("--encoding")
    {
        Description = description,
        DefaultValueFactory = _ => IdEncoding.Base10,
        CustomParser = result =>
        {
            try
            {
                return IdEncoder.ParseEncoding(result.Tokens[0].Value);
            }
            catch (FormatException e)
            {
                result.AddError($"--encoding: {e.Message}");
                return IdEncoding.Base10;
            }
        },
    };

    private static Command Next()
    {
        var count = new Option<int>("--count") { Description = "How many ids, 1 to 10,000,000 (default 1)", DefaultValueFactory = _ => 1 };
        var layout = LayoutOption();
        var worker = new Option<long?>("--worker") { Description = "Worker (node) id (env DISTKIT_ID_WORKER; default: one kept in the data directory)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the worker id and time mark are kept (env DISTKIT_DATA_DIR; default ./data)" };
        var encoding = EncodingOption("Text form: base10, base32, base36, base58, base62 (default base10)");
        var clock = new Option<ClockBackwardsPolicy>("--clock") { Description = "When the clock steps back: Wait, Fail or Logical (default Wait)", DefaultValueFactory = _ => ClockBackwardsPolicy.Wait };
        var workerFrom = new Option<string>("--worker-from")
        {
            Description = "Where the worker id comes from: file (kept in the data directory), or a lease in redis, etcd or postgres (address from DISTKIT_REDIS, DISTKIT_ETCD, DISTKIT_POSTGRES)",
            DefaultValueFactory = _ => "file",
        };
        workerFrom.AcceptOnlyFromAmong("file", "redis", "etcd", "postgres");
        var leaseTtl = CliOptions.Duration("--lease-ttl", LeaseOptions.Default.Ttl, "How long an engine-leased worker id outlives this process if it is killed");

        var command = new Command("next", "Print new ids, one per line");
        foreach (var option in new Option[] { count, layout, worker, dataDir, encoding, clock, workerFrom, leaseTtl })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var n = parseResult.GetValue(count);
            if (n is < 1 or > 10_000_000)
            {
                throw new CliException(ExitCodes.Usage, $"--count must be 1 to 10,000,000, got {n}");
            }

            var idLayout = parseResult.GetValue(layout)!;
            var from = parseResult.GetValue(workerFrom)!;
            var settings = CliEngines.Settings();
            settings = settings with { DataDir = parseResult.GetValue(dataDir) ?? settings.DataDir };
            if (from != "file")
            {
                CliEngines.RequireConfigured(settings, from, "--worker-from");
            }

            // Read as the layer reads it, also where no container is made (below).
            var configuredWorker = new SettingReader(NodeComposition.ConfigurationOf(settings), Options.DefaultName, typeof(IdsOptions)).Count("Ids:Worker");
            void Configure(IdsOptions ids)
            {
                ids.Engine = from == "file" ? DistKitBuilder.Embedded : from;
                ids.Worker = parseResult.GetValue(worker) ?? configuredWorker;
                ids.Layout = idLayout;
                ids.ClockPolicy = parseResult.GetValue(clock);
                ids.WorkerLease = ids.WorkerLease with { Ttl = parseResult.GetValue(leaseTtl) };
            }

            // A file or a fixed worker id needs no engine, so no container: the same factory, made
            // by hand, keeps a start of `id next` short.
            var standalone = new IdsOptions();
            Configure(standalone);
            await using var services = standalone.Worker is null && standalone.Engine != DistKitBuilder.Embedded
                ? await CliEngines.ComposeAsync(settings, distKit => distKit.AddIds(Configure))
                : null;
            var factory = services?.GetRequiredService<IdGeneratorFactory>() ?? new IdGeneratorFactory(
                Options.Create(standalone), Options.Create(new DistKitOptions { DataDir = settings.DataDir }), null, TimeProvider.System, IdsTelemetry.Default);
            var directory = factory.Directory;
            var name = idLayout.StorageName;
            var source = factory.WorkerIdSource(idLayout);

            await using var lease = await AcquireWithRetryAsync(source, idLayout.MaxNode, cancellationToken);
            using var generator = new SnowflakeIdGenerator(
                new IdGeneratorOptions
                {
                    Layout = idLayout,
                    ClockPolicy = parseResult.GetValue(clock),
                    TimeMarks = new FileTimeMarkStore(Path.Combine(directory, $"{name}-{lease.WorkerId}.mark")),
                },
                lease);

            var textEncoding = parseResult.GetValue(encoding);
            var stdout = parseResult.InvocationConfiguration.Output;
            var batch = new long[Math.Min(n, 4096)];
            var lines = new System.Text.StringBuilder();
            for (var done = 0; done < n; done += batch.Length)
            {
                var size = Math.Min(batch.Length, n - done);
                generator.NextIds(batch.AsSpan(0, size));
                lines.Clear();
                for (var i = 0; i < size; i++)
                {
                    lines.Append(IdEncoder.Encode(batch[i], textEncoding)).Append('\n');
                }

                await stdout.WriteAsync(lines, cancellationToken);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Decode()
    {
        var id = new Argument<string>("id") { Description = "The id to decode" };
        var layout = LayoutOption();
        var encoding = EncodingOption("Text form of the id: base10, base32, base36, base58, base62 (default base10)");
        var json = CliOptions.Json();
        var command = new Command("decode", "Show an id's time, node and sequence: time=<ISO-8601 UTC> node=<n> [datacenter=<n> worker=<n>] sequence=<n>");
        command.Arguments.Add(id);
        command.Options.Add(layout);
        command.Options.Add(encoding);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var text = parseResult.GetValue(id)!;
            var idEncoding = parseResult.GetValue(encoding);
            var idLayout = parseResult.GetValue(layout)!;
            if (!IdEncoder.TryDecode(text, idEncoding, out var value))
            {
                throw new CliException(ExitCodes.DataError, $"'{text}' is not a {idEncoding.ToString().ToLowerInvariant()} id");
            }

            IdParts parts;
            try
            {
                parts = idLayout.Decode(value);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new CliException(ExitCodes.DataError, $"{value} is outside layout '{idLayout}' (0 to {idLayout.MaxId})");
            }

            var time = parts.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(
                    new DecodedIdOutput(value.ToString(CultureInfo.InvariantCulture), idLayout.ToString(), time, parts.Ticks, parts.Node, parts.Datacenter, parts.Worker, parts.Sequence),
                    CliJsonContext.Default.DecodedIdOutput));
                return ExitCodes.Ok;
            }

            var split = parts.Datacenter is { } dc ? $" datacenter={dc} worker={parts.Worker}" : "";
            await stdout.WriteLineAsync($"time={time} node={parts.Node}{split} sequence={parts.Sequence}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Layout()
    {
        var nodes = new Option<long?>("--nodes") { Description = "Nodes issuing ids at once" };
        var rate = new Option<double?>("--rate") { Description = "Peak ids per second per node" };
        var years = new Option<int?>("--years") { Description = "Years the layout must last" };
        var jsSafe = new Option<bool>("--js-safe") { Description = "Keep ids below 2^53, exact in JavaScript numbers" };
        var epoch = new Option<DateTimeOffset?>("--epoch") { Description = "Time zero, ISO-8601 (default: the start of this year, UTC)" };
        var layout = new Option<string?>("--layout") { Description = "Describe this layout instead of proposing one" };
        var json = CliOptions.Json();
        var command = new Command("layout", "Propose a layout for --nodes, --rate and --years (or describe --layout): capacity per node, node count, exhaustion date");
        foreach (var option in new Option[] { nodes, rate, years, jsSafe, epoch, layout, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            IdLayout chosen;
            if (parseResult.GetValue(layout) is { } described)
            {
                chosen = ParseLayoutOrThrow(described);
            }
            else
            {
                if (parseResult.GetValue(nodes) is not { } n || parseResult.GetValue(rate) is not { } r || parseResult.GetValue(years) is not { } y)
                {
                    throw new CliException(ExitCodes.Usage, "give --nodes, --rate and --years to propose a layout, or --layout to describe one");
                }

                var now = TimeProvider.System.GetUtcNow();
                var start = parseResult.GetValue(epoch) ?? new DateTimeOffset(now.Year, 1, 1, 0, 0, 0, TimeSpan.Zero);
                try
                {
                    chosen = LayoutPlanner.Propose(n, r, y, parseResult.GetValue(jsSafe), start);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new CliException(ExitCodes.Usage, e.Message.Split(" (Parameter")[0]);
                }
            }

            await PrintLayoutAsync(parseResult, chosen, parseResult.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task PrintLayoutAsync(ParseResult parseResult, IdLayout layout, bool json)
    {
        var stdout = parseResult.InvocationConfiguration.Output;
        var exhausted = layout.ExhaustedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(
                new LayoutOutput(
                    Layout: layout.ToSpec(),
                    TimeUnitMs: layout.TimeUnit.TotalMilliseconds,
                    TimeBits: layout.TimeBits,
                    NodeBits: layout.NodeBits,
                    SequenceBits: layout.SequenceBits,
                    Nodes: layout.MaxNode + 1,
                    IdsPerSecondPerNode: layout.CapacityPerNodePerSecond,
                    ExhaustedAt: exhausted,
                    LifetimeYears: layout.Lifetime.TotalDays / 365.25,
                    MaxId: layout.MaxId.ToString(CultureInfo.InvariantCulture),
                    JsSafe: layout.MaxId < 1L << 53),
                CliJsonContext.Default.LayoutOutput));
            return;
        }

        await stdout.WriteLineAsync($"layout     {layout.ToSpec()}");
        await stdout.WriteLineAsync($"bits       time {layout.TimeBits} × {Core.Duration.Format(layout.TimeUnit)}, node {layout.NodeBits}, sequence {layout.SequenceBits} ({layout.TotalBits} of 63{(layout.MaxId < 1L << 53 ? ", below 2^53: JavaScript-safe" : "")})");
        await stdout.WriteLineAsync($"nodes      {layout.MaxNode + 1:N0}");
        await stdout.WriteLineAsync($"per node   {layout.CapacityPerNodePerSecond:N0} ids/s");
        await stdout.WriteLineAsync($"exhausted  {exhausted} ({layout.Lifetime.TotalDays / 365.25:F1} years from the epoch)");
    }

    private static IdLayout ParseLayoutOrThrow(string text)
    {
        try
        {
            return IdLayout.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.Usage, $"--layout: {e.Message}");
        }
    }

    private static async Task<WorkerIdLease> AcquireWithRetryAsync(IWorkerIdSource source, long maxId, CancellationToken cancellationToken)
    {
        // Another `distkit id next` may hold the worker file for a moment; wait for it briefly.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await source.AcquireAsync(maxId, cancellationToken);
            }
            catch (WorkerIdUnavailableException) when (attempt < 40)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, cancellationToken);
            }
            catch (WorkerIdUnavailableException e)
            {
                throw new CliException(ExitCodes.TempFail, e.Message);
            }
        }
    }
}
