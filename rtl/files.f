rtl/sglif_ram.v
rtl/sglif_spram.v
rtl/sglif_sg_table.v
rtl/sglif_lif_decay.v
rtl/sglif_lif_update.v
rtl/sglif_history.v
rtl/sglif_readout.v
rtl/sglif_lif_core.v
