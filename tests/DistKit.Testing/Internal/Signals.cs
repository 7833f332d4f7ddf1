using System.Runtime.InteropServices;

namespace DistKit.Testing.Internal;

/// <summary>POSIX signals and process trees, which System.Diagnostics.Process does not cover.</summary>
internal static partial class Signals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public static void Send(int pid, int signal) => _ = SysKill(pid, signal);

    /// <summary>Every live descendant of <paramref name="pid"/>, read from /proc.</summary>
    public static List<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so parse after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1]);
                if (!parents.TryGetValue(parent, out var list))
                {
                    parents[parent] = list = [];
                }

                list.Add(child);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        var result = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var current))
        {
            if (parents.TryGetValue(current, out var children))
            {
                foreach (var child in children)
                {
                    result.Add(child);
                    queue.Enqueue(child);
                }
            }
        }

        return result;
    }

    /// <summary>True while the process exists and is not a zombie waiting for a parent that will never reap it.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
