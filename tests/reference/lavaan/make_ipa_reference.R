# The classic importance-performance map (Martilla & James 1977) of the relationship-quality study, computed by R's
# lavaan on the answers in relationship_quality-answers.csv, independently of kamlib. Run from this folder:
#   Rscript make_ipa_reference.R > relationship_quality-ipa.csv
# The chain is the one notebooks/20_survey.ipynb runs: importance = each construct's standardised total effect on
# the outcome in the SEM (WLSMV, items ordered, as the notebook fits a 5-point questionnaire), performance = (mean of
# the construct score - 1) / (points - 1) * 100 with the construct score the mean of its items (reverse-coded items
# are already reversed in the CSV), quadrants by the crosshair at the means of the drivers' importance and performance.
suppressMessages(library(lavaan))
d <- read.csv("relationship_quality-answers.csv")
points <- 5
blocks <- list(TR = c("TR1", "TR2", "TR3", "TR4"), CM = c("CM1", "CM2", "CM3"), SAT = c("SAT1", "SAT2", "SAT3"),
               LOY = c("LOY1", "LOY2", "LOY3"))
# the study's survey.model (studies/relationship_quality.yaml), its paths in the order written, with the measurement
# part; the paths carry labels so that the total effects can also be defined with := (a check, below)
paths <- list(c("TR", "CM"), c("TR", "SAT"), c("CM", "SAT"), c("SAT", "LOY"), c("CM", "LOY"))
model <- "
TR =~ TR1 + TR2 + TR3 + TR4
CM =~ CM1 + CM2 + CM3
SAT =~ SAT1 + SAT2 + SAT3
LOY =~ LOY1 + LOY2 + LOY3
CM ~ a*TR
SAT ~ c1*TR + c2*CM
LOY ~ d1*SAT + b*CM
via_commitment := a*b
total_TR_SAT := c1 + a*c2
total_CM_SAT := c2
total_TR_LOY := c1*d1 + a*c2*d1 + a*b
total_CM_LOY := c2*d1 + b
total_SAT_LOY := d1
"
fit <- sem(model, d, ordered = unlist(blocks, use.names = FALSE))
stopifnot(lavInspect(fit, "converged"))
# standardised total effects: (I - B)^-1 - I of the standardised (std.all) regressions among the constructs
B <- lavInspect(fit, "std")$beta  # B[to, from]
total <- solve(diag(nrow(B)) - B) - diag(nrow(B))
# the same totals as lavaan's standardised defined parameters (std.all), written path by path above
ss <- standardizedSolution(fit)
for (pair in list(c("TR", "SAT"), c("CM", "SAT"), c("TR", "LOY"), c("CM", "LOY"), c("SAT", "LOY"))) {
  defined <- ss$est.std[ss$lhs == paste0("total_", pair[1], "_", pair[2])]
  stopifnot(abs(defined - total[pair[2], pair[1]]) < 1e-10)
}
scores <- sapply(blocks, function(items) rowMeans(d[, items]))
performance_all <- (colMeans(scores) - 1) / (points - 1) * 100
# the outcome of the notebook's map: the construct with the most predictors, the first written among equals
outcomes <- sapply(paths, `[`, 2)
counts <- table(factor(outcomes, levels = unique(outcomes)))
driver_outcome <- names(counts)[which.max(counts)]
# Martilla & James's quadrants: importance and performance each above (or at) or below the drivers' mean
quadrant <- function(high_importance, high_performance) {
  ifelse(high_importance, ifelse(high_performance, "Keep up the good work", "Concentrate here"),
         ifelse(high_performance, "Possible overkill", "Low priority"))
}
out <- NULL
for (outcome in unique(c(driver_outcome, "LOY"))) {  # LOY too: it has three drivers, so its quadrants are named
  effect <- total[outcome, ]
  drivers <- names(effect)[abs(effect) > 1e-12 & names(effect) != outcome]
  imp <- effect[drivers]
  perf <- performance_all[drivers]
  q <- if (length(drivers) >= 3) quadrant(imp >= mean(imp), perf >= mean(perf)) else rep(NA_character_, length(drivers))
  out <- rbind(out, data.frame(outcome = outcome, driver_outcome = outcome == driver_outcome, driver = drivers,
                               importance = unname(imp), performance = unname(perf), quadrant = unname(q),
                               estimator = "WLSMV", n = lavInspect(fit, "nobs")))
}
write.csv(out, stdout(), row.names = FALSE)
