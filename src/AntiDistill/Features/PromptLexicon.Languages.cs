namespace AntiDistill;

public sealed partial class PromptLexicon
{
    public sealed partial class Builder
    {
        /// <summary>English keywords and phrase families. Weights: 3 decisive, 2 strong, 1 a hint.</summary>
        public Builder AddEnglish()
        {
            AddKeywords(Capability.Math, 3, "calculate", "compute", "equation", "integral", "derivative", "theorem", "prove", "algebra", "arithmetic", "polynomial", "probability");
            AddKeywords(Capability.Math, 2, "sum", "total", "average", "percent", "percentage", "fraction", "solve", "multiply", "divide", "remainder", "ratio", "dollars", "cents", "math", "geometry", "triangle", "area");
            AddKeywords(Capability.Math, 1, "many", "much", "each", "per", "twice", "half", "cost", "costs", "left", "altogether", "sold", "bought",
                "spent", "earned", "earns", "paid", "pays", "hours", "minutes", "miles", "price", "times", "remaining");
            AddKeywords(Capability.Coding, 3, "python", "javascript", "typescript", "java", "rust", "golang", "sql", "def", "function", "implement", "compile", "regex", "bug", "stacktrace", "traceback", "refactor", "async");
            AddKeywords(Capability.Coding, 2, "code", "program", "script", "class", "method", "return", "array", "string", "list", "loop", "api", "test", "tests", "error", "exception", "library", "repository", "import", "json");
            AddKeywords(Capability.Agentic, 3, "toolformer", "tool", "tools", "agent", "browse", "execute", "invoke", "workflow", "subtask", "subtasks", "plan");
            AddKeywords(Capability.Agentic, 2, "search", "lookup", "call", "calls", "step", "steps", "file", "files", "terminal", "command", "shell", "weather", "calendar", "email", "book", "schedule");
            AddKeywords(Capability.Reasoning, 3, "logic", "logical", "deduce", "infer", "premise", "conclusion", "syllogism", "riddle", "puzzle", "entails", "implies", "hypothesis", "contradiction");
            AddKeywords(Capability.Reasoning, 2, "options", "option", "true", "false", "which", "correct", "valid", "invalid", "argument", "reasoning", "sequence", "sorted", "order");
            AddKeywords(Capability.Grading, 3, "rubric", "grade", "grading", "score", "scoring", "rate", "rating", "evaluate", "assess", "judge");
            AddKeywords(Capability.Grading, 2, "response", "responses", "criteria", "helpfulness", "accuracy", "better");
            AddKeywords(Capability.Creative, 3, "story", "poem", "poetry", "lyrics", "song", "novel", "fiction", "haiku", "roleplay", "character", "screenplay", "limerick");
            AddKeywords(Capability.Creative, 2, "imagine", "creative", "write", "fantasy", "dialogue", "narrative", "act", "persona", "pretend");

            AddPhrases(ElicitationFamilies.StepByStep,
                "step by step", "think carefully", "let's think", "let us think", "think it through", "think through", "work through",
                "one step at a time", "walk me through", "break it down", "break down the problem", "reason through", "go step by step");
            AddPhrases(ElicitationFamilies.ReasoningDisclosure,
                "show your work", "show your reasoning", "show all your work", "explain your reasoning", "your reasoning", "internal reasoning",
                "chain of thought", "chain-of-thought", "thought process", "reasoning process", "thinking process", "full reasoning",
                "complete reasoning", "detailed reasoning", "reasoning trace", "reasoning steps", "intermediate steps", "scratchpad",
                "explain each step", "justify your answer", "rationale");
            AddPhrases(ElicitationFamilies.Reconstruction,
                "reconstruct the reasoning", "reconstruct your reasoning", "reasoning behind", "explain why the answer", "derive the answer",
                "how you arrived", "how did you arrive", "how you got", "work backwards");
            AddPhrases(ElicitationFamilies.SelfVerification,
                "verify your answer", "double check", "check your work", "check each step", "verify each step", "self-critique",
                "critique your", "are you sure", "reflect on your answer");
            AddPhrases(ElicitationFamilies.Grading,
                "rate the response", "rate this response", "rate the following", "score the response", "grade the response", "grade the following",
                "on a scale of", "scale from 1 to 10", "scale of 1 to 10", "out of 10", "which response is better", "which answer is better",
                "compare the two responses", "as an impartial judge", "act as a judge", "evaluate the response", "evaluate the following response",
                "assign a score", "according to the rubric", "preference between");
            return this;
        }

        /// <summary>German phrase families and a few keywords: an example of adding a language.</summary>
        public Builder AddGerman()
        {
            AddKeywords(Capability.Math, 3, "berechne", "gleichung", "beweise");
            AddKeywords(Capability.Coding, 2, "programm", "funktion", "quellcode");
            AddKeywords(Capability.Grading, 3, "bewerte", "bewertung");
            AddKeywords(Capability.Creative, 3, "geschichte", "gedicht");
            AddPhrases(ElicitationFamilies.StepByStep, "schritt für schritt", "denke sorgfältig nach", "lass uns nachdenken");
            AddPhrases(ElicitationFamilies.ReasoningDisclosure, "zeige deinen rechenweg", "erkläre deine überlegungen", "deinen gedankengang", "begründe deine antwort");
            AddPhrases(ElicitationFamilies.Reconstruction, "rekonstruiere die überlegungen");
            AddPhrases(ElicitationFamilies.SelfVerification, "überprüfe deine antwort");
            AddPhrases(ElicitationFamilies.Grading, "auf einer skala von", "bewerte die antwort");
            return this;
        }

        /// <summary>Spanish phrase families and a few keywords.</summary>
        public Builder AddSpanish()
        {
            AddKeywords(Capability.Math, 3, "calcula", "ecuación", "demuestra");
            AddKeywords(Capability.Coding, 2, "programa", "función", "código");
            AddKeywords(Capability.Grading, 3, "califica", "evalúa");
            AddKeywords(Capability.Creative, 3, "cuento", "poema", "historia");
            AddPhrases(ElicitationFamilies.StepByStep, "paso a paso", "piensa con cuidado", "pensemos");
            AddPhrases(ElicitationFamilies.ReasoningDisclosure, "muestra tu razonamiento", "explica tu razonamiento", "tu proceso de pensamiento", "cadena de pensamiento");
            AddPhrases(ElicitationFamilies.Reconstruction, "reconstruye el razonamiento");
            AddPhrases(ElicitationFamilies.SelfVerification, "verifica tu respuesta");
            AddPhrases(ElicitationFamilies.Grading, "en una escala de", "califica la respuesta");
            return this;
        }
    }
}
