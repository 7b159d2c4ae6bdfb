// Detection-quality benchmark: simulate with the shared corpora, analyze, score per population (issue 4).
Console.WriteLine("not yet");
return 0;
