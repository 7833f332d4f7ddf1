using BenchmarkDotNet.Attributes;
using DistKit.Ids.Encoding;

namespace DistKit.Benchmarks;

[MemoryDiagnoser]
public class IdEncodingBenchmarks
{
    private const long Id = 2_125_850_744_485_048_320;
    private readonly char[] _buffer = new char[IdEncoder.MaxLength];
    private readonly string _base32 = IdEncoder.Encode(Id, IdEncoding.Base32);

    [Benchmark(Baseline = true, Description = "long.TryFormat (decimal)")]
    public int Base10Format() => Id.TryFormat(_buffer, out var written) ? written : 0;

    [Benchmark(Description = "Encode base32 into a span")]
    public int Base32Encode() => IdEncoder.Encode(Id, IdEncoding.Base32, _buffer);

    [Benchmark(Description = "Encode base62 into a span")]
    public int Base62Encode() => IdEncoder.Encode(Id, IdEncoding.Base62, _buffer);

    [Benchmark(Description = "Decode base32")]
    public long Base32Decode() => IdEncoder.Decode(_base32, IdEncoding.Base32);
}
