# The H6 reference of the relationship-quality study, computed by R's lavaan and lm on the answers in
# relationship_quality-answers.csv. Run from this folder:
#   Rscript make_reference.R > relationship_quality-h6.csv
# The model is the study's survey.model (studies/relationship_quality.yaml) with the instrument's measurement part.
suppressMessages(library(lavaan))
d <- read.csv("relationship_quality-answers.csv")
model <- "
TR =~ TR1 + TR2 + TR3 + TR4
CM =~ CM1 + CM2 + CM3
SAT =~ SAT1 + SAT2 + SAT3
LOY =~ LOY1 + LOY2 + LOY3
CM ~ a*TR
SAT ~ TR + CM
LOY ~ SAT + b*CM
via_commitment := a*b
"
items <- c("TR1", "TR2", "TR3", "TR4", "CM1", "CM2", "CM3", "SAT1", "SAT2", "SAT3", "LOY1", "LOY2", "LOY3")
out <- data.frame(source = character(), quantity = character(), value = numeric())
add <- function(source, quantity, value) out[nrow(out) + 1, ] <<- list(source, quantity, value)
for (est in c("WLSMV", "ML")) {
  fit <- if (est == "WLSMV") sem(model, d, ordered = items) else sem(model, d, estimator = "ML")
  pe <- parameterEstimates(fit)
  for (lab in c("a", "b", "via_commitment")) {
    r <- pe[pe$label == lab, ]
    add(paste0("lavaan_", est), paste0(lab, "_est"), r$est)
    add(paste0("lavaan_", est), paste0(lab, "_se"), r$se)
    add(paste0("lavaan_", est), paste0(lab, "_ci_lower"), r$ci.lower)
    add(paste0("lavaan_", est), paste0(lab, "_ci_upper"), r$ci.upper)
  }
  add(paste0("lavaan_", est), "n", lavInspect(fit, "nobs"))
}
# the declared equations on construct scores (item means): CM ~ TR and LOY ~ SAT + CM, by lm
s <- data.frame(TR = rowMeans(d[, c("TR1", "TR2", "TR3", "TR4")]), CM = rowMeans(d[, c("CM1", "CM2", "CM3")]),
                SAT = rowMeans(d[, c("SAT1", "SAT2", "SAT3")]), LOY = rowMeans(d[, c("LOY1", "LOY2", "LOY3")]))
ab <- function(s) coef(lm(CM ~ TR, s))[["TR"]] * coef(lm(LOY ~ SAT + CM, s))[["CM"]]
add("lm_scores", "a_est", coef(lm(CM ~ TR, s))[["TR"]])
add("lm_scores", "b_est", coef(lm(LOY ~ SAT + CM, s))[["CM"]])
add("lm_scores", "via_commitment_est", ab(s))
add("lm_scores", "n", nrow(s))
# its percentile bootstrap interval, 5000 resamples of the respondents (R's own random numbers)
set.seed(20240601)
boots <- replicate(5000, ab(s[sample.int(nrow(s), replace = TRUE), ]))
add("lm_scores_bootstrap_5000", "via_commitment_ci_lower", unname(quantile(boots, 0.025)))
add("lm_scores_bootstrap_5000", "via_commitment_ci_upper", unname(quantile(boots, 0.975)))
add("lm_scores_bootstrap_5000", "share_at_or_below_zero", mean(boots <= 0))
write.csv(out, stdout(), row.names = FALSE)
