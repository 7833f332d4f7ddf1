using System.Text.Json.Serialization;
using DistKit.Cli.Bench;
using DistKit.Cli.Commands;
using DistKit.Client;

namespace DistKit.Cli.Conventions;

/// <summary>
/// Every type the CLI reads or writes as JSON, generated at build time: the published CLI is
/// compiled ahead of time, where reflection-based serialization is not available.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(NodeJob))]
[JsonSerializable(typeof(NodeJobList))]
[JsonSerializable(typeof(LocksBenchResult))]
[JsonSerializable(typeof(IdsBenchResult))]
[JsonSerializable(typeof(CliBenchResult))]
[JsonSerializable(typeof(JobsBenchResult))]
[JsonSerializable(typeof(ConfigBenchResult))]
[JsonSerializable(typeof(BalanceValidation))]
[JsonSerializable(typeof(BalanceRegistration))]
[JsonSerializable(typeof(BalanceSimulation))]
[JsonSerializable(typeof(BalanceEndpoints))]
[JsonSerializable(typeof(DecodedIdOutput))]
[JsonSerializable(typeof(LayoutOutput))]
[JsonSerializable(typeof(List<HistoryRow>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
