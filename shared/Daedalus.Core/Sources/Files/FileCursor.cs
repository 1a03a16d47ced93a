using System.Globalization;

namespace Daedalus.Sources.Files;

/// <summary>
/// Where a <c>files</c> stream resumes: the last file read (its last-modified time and name) and how many records
/// of it are stored, or that all of it is. Files are read in (last-modified, name) order, so every file after the
/// cursor is new or re-uploaded (a re-upload has a newer last-modified), and a crash mid-file resumes at the next
/// record instead of reading the stored ones again. Text form: <c>{lastModified:O}|{records or "done"}|{name}</c>
/// (the name last, so it may contain '|').
/// </summary>
public readonly record struct FileCursor(DateTimeOffset LastModified, string Name, long Records, bool Done)
{
    private const string DoneMarker = "done";

    public static FileCursor Completed(StoredFile file) => new(file.LastModified, file.Name, 0, true);

    public static FileCursor Within(StoredFile file, long records) => new(file.LastModified, file.Name, records, false);

    public override string ToString() =>
        $"{LastModified.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)}|{(Done ? DoneMarker : Records.ToString(CultureInfo.InvariantCulture))}|{Name}";

    /// <summary>Parses <see cref="ToString"/>'s form; throws <see cref="SourceException"/> for anything else.</summary>
    public static FileCursor Parse(string text)
    {
        var first = text.IndexOf('|', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf('|', first + 1);
        if (second < 0
            || !DateTimeOffset.TryParseExact(text[..first], "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified))
        {
            throw new SourceException($"stored cursor '{text}' is not a files cursor (lastModified|records|name); reset the stream");
        }

        var count = text[(first + 1)..second];
        var name = text[(second + 1)..];
        if (count == DoneMarker)
        {
            return new FileCursor(modified, name, 0, true);
        }

        return long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var records)
            ? new FileCursor(modified, name, records, false)
            : throw new SourceException($"stored cursor '{text}' is not a files cursor (lastModified|records|name); reset the stream");
    }

    /// <summary>The order files are read in: last-modified, then name (ordinal).</summary>
    public static int Compare(DateTimeOffset modifiedA, string nameA, DateTimeOffset modifiedB, string nameB)
    {
        var byTime = modifiedA.UtcTicks.CompareTo(modifiedB.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(nameA, nameB);
    }

    /// <summary>Whether <paramref name="file"/> still has records to read after this cursor.</summary>
    public bool IsBefore(StoredFile file)
    {
        var order = Compare(LastModified, Name, file.LastModified, file.Name);
        return order < 0 || (order == 0 && !Done);
    }
}
