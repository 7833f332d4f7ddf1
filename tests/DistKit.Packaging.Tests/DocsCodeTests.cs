using DistKit.Testing;
namespace DistKit.Packaging.Tests;

/// <summary>
/// The C# the docs show is compiled code: every <c>```csharp</c> block of <c>docs/*.md</c> and
/// <c>README.md</c> appears, line for line (indentation aside), in a source file the solution
/// builds — <c>docs/snippets/</c>, a test, or a sample. A page cannot show an API that does not build.
/// </summary>
public sealed class DocsCodeTests
{
    public static TheoryData<string> Pages() =>
        [.. Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Append(Path.Combine(Repository.Root, "README.md")).Select(p => Path.GetRelativePath(Repository.Root, p))];

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryCSharpBlock_IsCodeTheSolutionCompiles(string page)
    {
        var sources = CompiledSources();
        var blocks = CSharpBlocks(File.ReadAllLines(Path.Combine(Repository.Root, page)));
        foreach (var (line, block) in blocks)
        {
            Assert.True(
                sources.Any(source => Contains(source, block)),
                $"{page}:{line}: this C# block is in no compiled source (docs/snippets, tests, samples); put the same code in docs/snippets/:\n{string.Join('\n', block)}");
        }
    }

    private static List<string[]> CompiledSources() =>
    [
        .. new[] { "docs/snippets", "tests", "samples" }
            .SelectMany(dir => Directory.GetFiles(Path.Combine(Repository.Root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Select(path => Normalize(File.ReadAllLines(path))),
    ];

    private static List<(int Line, string[] Block)> CSharpBlocks(string[] lines)
    {
        var blocks = new List<(int, string[])>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            blocks.Add((start, Normalize(lines[start..end])));
            i = end;
        }

        return blocks;
    }

    private static string[] Normalize(IEnumerable<string> lines) =>
        [.. lines.Select(l => l.Trim()).Where(l => l.Length > 0)];

    private static bool Contains(string[] source, string[] block)
    {
        for (var at = 0; at + block.Length <= source.Length; at++)
        {
            if (source.AsSpan(at, block.Length).SequenceEqual(block))
            {
                return true;
            }
        }

        return false;
    }
}
