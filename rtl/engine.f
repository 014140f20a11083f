rtl/sglif_bwd_neuron.v
rtl/sglif_bwd_gather.v
rtl/sglif_pcg32.v
rtl/sglif_sround.v
rtl/sglif_bwd_walk.v
rtl/sglif_bwd_accum.v
rtl/sglif_err_unit.v
rtl/sglif_engine.v
