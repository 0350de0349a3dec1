using Personalize.Samples;

// Usage: dotnet run --project samples/Personalize.Samples [-- path/to/samples/data]
string dataFolder = args.Length > 0 ? args[0] : FindSampleData();
string work = Path.Combine(Path.GetTempPath(), "personalize-samples");
Directory.CreateDirectory(work);
MLNetPipelineSample.Run(Path.Combine(dataFolder, "ratings.csv"), work);
return 0;

static string FindSampleData()
{
    for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "samples", "data");
        if (File.Exists(Path.Combine(candidate, "ratings.csv")))
        {
            return candidate;
        }
    }

    throw new DirectoryNotFoundException("samples/data was not found; pass the folder with ratings.csv as the first argument.");
}
