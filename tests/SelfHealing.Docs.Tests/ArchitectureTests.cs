using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SelfHealing.Docs.Tests;

/// <summary>
/// The shape docs/architecture.md promises: no file in src/ over 450 lines, and no cycle between the component
/// folders of the core package (which folder uses a type, method or member declared in which other folder, read
/// from the compiler's semantic model, not from <c>using</c> lines).
/// </summary>
public sealed class ArchitectureTests
{
    private const int MaxLines = 450;

    [Fact]
    public void No_source_file_is_over_450_lines()
    {
        var tooLong = SourceFiles(Path.Combine(Root, "src"))
            .Select(f => (File: Path.GetRelativePath(Root, f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > MaxLines)
            .Select(f => $"{f.File}: {f.Lines} lines")
            .ToList();
        tooLong.Should().BeEmpty($"a file over {MaxLines} lines holds two ideas; split it");
    }

    [Fact]
    public void The_core_packages_folders_depend_on_each_other_without_cycles()
    {
        Dictionary<(string From, string To), string> edges = FolderDependencies(Path.Combine(Root, "src", "SelfHealing"));
        edges.Keys.Should().Contain(("Health", "Metrics"), "the check must see real dependencies, or it proves nothing");

        List<List<string>> cycles = StronglyConnected(edges.Keys);
        var report = new StringBuilder();
        foreach (List<string> cycle in cycles)
        {
            report.AppendLine(string.Join(" <-> ", cycle));
            foreach (((string from, string to), string example) in edges.Where(e => cycle.Contains(e.Key.From) && cycle.Contains(e.Key.To)))
            {
                report.Append("  ").Append(from).Append(" -> ").Append(to).Append(": ").AppendLine(example);
            }
        }

        cycles.Should().BeEmpty($"component folders must not depend on each other in a cycle:{Environment.NewLine}{report}");
    }

    /// <summary>Each folder's uses of symbols declared in another folder, with one example each.</summary>
    internal static Dictionary<(string From, string To), string> FolderDependencies(string project)
    {
        string[] files = [.. SourceFiles(project)];
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        SyntaxTree[] trees = [.. files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, f))];
        MetadataReference[] references = [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(p).StartsWith("SelfHealing", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p))];
        CSharpCompilation compilation = CSharpCompilation.Create("Core", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var edges = new Dictionary<(string, string), string>();
        foreach (SyntaxTree tree in trees)
        {
            string from = FolderOf(project, tree.FilePath);
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SimpleNameSyntax name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                SymbolInfo info = model.GetSymbolInfo(name);
                ISymbol? symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                if (symbol is null or INamespaceSymbol)
                {
                    continue; // a namespace is declared in every folder
                }

                if (symbol is IMethodSymbol { ReducedFrom: { } extension })
                {
                    symbol = extension;
                }

                SyntaxReference? declaration = symbol.OriginalDefinition.DeclaringSyntaxReferences.FirstOrDefault();
                if (declaration is null || declaration.SyntaxTree.FilePath.Length == 0)
                {
                    continue;
                }

                string to = FolderOf(project, declaration.SyntaxTree.FilePath);
                if (to != from && !edges.ContainsKey((from, to)))
                {
                    int line = name.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    edges[(from, to)] = $"{Path.GetRelativePath(project, tree.FilePath)}:{line} uses {symbol.ToDisplayString()}";
                }
            }
        }

        return edges;
    }

    // A file's component: its first folder under the project; at the root, the facade (ISelfHealing, its diagnosis and its
    // implementation, which sit above every component) or the shared primitives (names, option errors, levels).
    private static string FolderOf(string project, string file)
    {
        string relative = Path.GetRelativePath(project, file).Replace('\\', '/');
        int slash = relative.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            return relative[..slash];
        }

        return relative is "ISelfHealing.cs" or "SelfHealingSystem.cs" or "Diagnosis.cs" or "DiagnosisEvidence.cs" or "FailureKind.cs" ? "(facade)" : "(shared)";
    }

    // Tarjan's strongly connected components with more than one folder.
    private static List<List<string>> StronglyConnected(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (string w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.TryGetValue(w, out int seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    result.Add(component);
                }
            }
        }

        foreach (string v in next.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return result;
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        string? folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "SelfHealing.sln")))
        {
            folder = Path.GetDirectoryName(folder);
        }

        return folder ?? throw new InvalidOperationException("The repository root (SelfHealing.sln) was not found above the test's folder.");
    }
}
