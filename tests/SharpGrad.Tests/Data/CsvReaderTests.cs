using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

public class CsvReaderTests
{
    private static CsvTable Parse(string text, CsvOptions? options = null) =>
        CsvReader.Read(new StringReader(text), options, "data.csv");

    private static CsvFormatException Fails(string text, CsvOptions? options = null) =>
        Assert.Throws<CsvFormatException>(() => Parse(text, options));

    [Fact]
    public void ReadsFeaturesAndStringLabelsSortedLikeLabelEncoder()
    {
        CsvTable t = Parse("a,b,species\n1,2.5,versicolor\n3,-4e1,setosa\r\n5, 6 ,versicolor\n", new CsvOptions { LabelColumn = "species" });
        Assert.Equal(["a", "b", "species"], t.ColumnNames);
        Assert.Equal(["a", "b"], t.FeatureNames);
        Assert.Equal("species", t.LabelName);
        Assert.Equal(3, t.Rows);
        Assert.Equal([3, 2], t.Features.ShapeArray);
        Assert.Equal([1f, 2.5f, 3, -40, 5, 6], t.Features.ToArray());
        Assert.Equal(["setosa", "versicolor"], t.ClassNames);
        Assert.Equal([1L, 0, 1], t.Labels!.ToArray<long>());
        Assert.True(t.IsCategorical);
        Assert.Equal(3, t.ToDataset().Count);
    }

    [Fact]
    public void NumericLabelsAreSortedNumericallyOrKeptAsValues()
    {
        CsvTable t = Parse("x,y\n1,10\n2,9\n3,10\n", new CsvOptions { LabelColumnIndex = -1 });
        Assert.Equal(["9", "10"], t.ClassNames);
        Assert.Equal([1L, 0, 1], t.Labels!.ToArray<long>());

        CsvTable r = Parse("x,y\n1,0.5\n2,1\n", new CsvOptions { LabelColumn = "y" });
        Assert.False(r.IsCategorical);
        Assert.Equal([0.5f, 1f], r.Labels!.ToArray());
        Assert.Empty(r.ClassNames);

        CsvTable forced = Parse("x,y\n1,0.5\n2,1\n", new CsvOptions { LabelColumn = "y", LabelKind = CsvLabelKind.Categorical });
        Assert.Equal(["0.5", "1"], forced.ClassNames);
    }

    [Fact]
    public void HandlesQuotingPerRfc4180()
    {
        string text = "\"first, name\",\"va\"\"l\",label\n1,\"2\",\"multi\nline \"\"quoted\"\"\"\n3,4,b\n";
        CsvTable t = Parse(text, new CsvOptions { LabelColumn = "label" });
        Assert.Equal(["first, name", "va\"l", "label"], t.ColumnNames);
        Assert.Equal([1f, 2, 3, 4], t.Features.ToArray());
        Assert.Equal(["b", "multi\nline \"quoted\""], t.ClassNames);
    }

    [Fact]
    public void SelectsFeatureColumnsAndSupportsOtherDelimitersAndNoHeader()
    {
        CsvTable t = Parse("id;x;y;label\n7;1;2;a\n8;3;4;b\n", new CsvOptions { Delimiter = ';', LabelColumn = "LABEL", FeatureColumns = ["y", "x"] });
        Assert.Equal(["y", "x"], t.FeatureNames);
        Assert.Equal([2f, 1, 4, 3], t.Features.ToArray());

        CsvTable n = Parse("1,2,0\n\n3,4,1\n", new CsvOptions { HasHeader = false, LabelColumnIndex = 2 });
        Assert.Equal(["1", "2", "3"], n.ColumnNames);
        Assert.Equal(2, n.Rows);
        Assert.Null(Parse("a,b\n1,2\n").Labels);
    }

    [Fact]
    public void NonNumericCellNamesLineColumnAndName()
    {
        var e = Fails("a,b,label\n1,2,x\n3,abc,y\n", new CsvOptions { LabelColumn = "label" });
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Column);
        Assert.Equal("b", e.ColumnName);
        Assert.StartsWith("data.csv, line 3, column 2 ('b'): 'abc' is not a number", e.Message);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Fact]
    public void LineNumbersCountLineBreaksInsideQuotes()
    {
        var e = Fails("a,b\n\"x\ny\",1\n2,oops\n", new CsvOptions { FeatureColumns = ["b"] });
        Assert.Equal(4, e.Line);
        Assert.Equal(2, e.Column);
    }

    [Fact]
    public void EmptyCellIsAnErrorUnlessAskedForNaN()
    {
        var e = Fails("a,b\n1,\n");
        Assert.Equal((2, 2), (e.Line!.Value, e.Column!.Value));
        Assert.Contains("empty", e.Message);
        Assert.True(float.IsNaN(Parse("a,b\n1,\n", new CsvOptions { EmptyAsNaN = true }).Features.ToArray()[1]));
    }

    [Fact]
    public void RaggedRowIsReported()
    {
        var e = Fails("a,b,c\n1,2,3\n4,5\n");
        Assert.Equal(3, e.Line);
        Assert.Contains("has 2 field(s) but the header has 3 column(s)", e.Message);
        Assert.Equal(3, Fails("a,b\n1,2\n3,4,5\n").Line);
    }

    [Fact]
    public void MissingLabelColumnListsTheColumns()
    {
        var e = Fails("sepal,petal\n1,2\n", new CsvOptions { LabelColumn = "species" });
        Assert.Contains("no label column named 'species'", e.Message);
        Assert.Contains("'sepal', 'petal'", e.Message);
        var i = Fails("sepal,petal\n1,2\n", new CsvOptions { LabelColumnIndex = 5 });
        Assert.Contains("out of range", i.Message);
        Assert.Contains("no feature column named 'z'", Fails("a,b\n1,2\n", new CsvOptions { FeatureColumns = ["z"] }).Message);
    }

    [Fact]
    public void EmptyFileAndHeaderOnlyAreReported()
    {
        Assert.Contains("the file is empty", Fails("").Message);
        Assert.Contains("the file is empty", Fails("\n\n").Message);
        Assert.Contains("no data rows", Fails("a,b\n").Message);
    }

    [Fact]
    public void UnterminatedQuoteNamesWhereItOpened()
    {
        var e = Fails("a,b\n1,2\n3,\"4\n5,6\n");
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Column);
        Assert.Equal("b", e.ColumnName);
        Assert.Contains("never closed", e.Message);
        Assert.Contains("after a closing quote", Fails("a,b\n\"1\"x,2\n").Message);
    }

    [Fact]
    public void DuplicateHeaderNamesAndEmptyLabelsAreReported()
    {
        Assert.Contains("appears twice", Fails("a,a\n1,2\n").Message);
        var e = Fails("a,label\n1,x\n2,\n", new CsvOptions { LabelColumn = "label" });
        Assert.Equal((3, 2), (e.Line!.Value, e.Column!.Value));
    }

    [Fact]
    public void ReadsFromAFileAndNamesItInErrors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sharpgrad-csv-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "\uFEFFx,y\n1,a\n2,b\n");
            CsvTable t = CsvReader.Read(path, new CsvOptions { LabelColumn = "y" });
            Assert.Equal(["x", "y"], t.ColumnNames);
            File.WriteAllText(path, "x,y\n1,a\nfoo,b\n");
            var e = Assert.Throws<CsvFormatException>(() => CsvReader.Read(path, new CsvOptions { LabelColumn = "y" }));
            Assert.StartsWith($"{path}, line 3, column 1 ('x')", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
